using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>Finds the network a trainer fine-tunes from: a fitted component of this library, or a saved zip holding one.</summary>
internal static class PretrainedSource
{
    /// <summary>True when <paramref name="options"/> name no base model: the trainer builds a new network.</summary>
    public static bool FromScratch(IFineTuningOptions options) => options.BaseModel is null && options.BaseModelPath is null;

    /// <summary>Throws naming the fine-tuning option that is out of its range, or both base models when both are set.</summary>
    public static void Validate(IFineTuningOptions options)
    {
        Require.InRange(options.FreezeLayers, 0, ModelOptions.MaxLayers, nameof(options.FreezeLayers));
        Require.Holds(options.BaseModel is null || options.BaseModelPath is null, nameof(options.BaseModelPath),
            "Set BaseModel or BaseModelPath, not both.");
    }

    /// <summary>The base model <paramref name="options"/> name, its tokenizer checked against <paramref name="tokenizer"/>
    /// and <paramref name="model"/> (see <see cref="PretrainedVocabulary"/>); null when training from scratch.</summary>
    public static NetworkSource? Resolve(IHostEnvironment env, IFineTuningOptions options, TokenizerOptions tokenizer, ModelOptions? model)
    {
        var source = Resolve(env, options.BaseModel, options.BaseModelPath);
        if (source is not null)
            PretrainedVocabulary.Check(source.Tokenizer, tokenizer, model);
        return source;
    }

    /// <summary>The source in <paramref name="model"/> or in the zip at <paramref name="path"/>; null when neither is set.</summary>
    public static NetworkSource? Resolve(IHostEnvironment env, ITransformer? model, string? path)
    {
        if (model is null && path is null)
            return null;
        if (model is null)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"BaseModelPath '{path}' does not exist.", path);
            // Building the loaded network draws initial weights; keep the caller's random stream where it was, so that
            // a base model given by path and the same model given as an object train identically.
            using var state = torch.Generator.Default.get_state();
            model = new MLContext().Model.Load(path, out _);
            torch.Generator.Default.set_state(state);
        }
        return Find(model)?.Source ?? throw new ArgumentException(
            $"The base model ({model.GetType().Name}) holds no Transformer network of this library; pass a pretrained, " +
            "classification, generation or embedding transformer, or a chain that contains one.");
    }

    /// <summary>The component of <paramref name="model"/> that holds a network: itself, or the last one in a chain; null when none does.</summary>
    internal static TextModelTransformerBase? Find(ITransformer model) => model switch
    {
        TextModelTransformerBase { Source: not null } component => component,
        IEnumerable<ITransformer> chain => chain.Reverse().Select(Find).FirstOrDefault(s => s is not null),
        _ => null,
    };

    /// <summary>A new network with the source's options and a copy of its weights, on <paramref name="device"/>: fine-tuning never changes the source.</summary>
    public static TextNetwork Copy(TextNetwork source, Device device)
    {
        var copy = new TextNetwork(source.Options, device);
        byte[] weights;
        using (var output = new MemoryStream())
        {
            source.save(output); // closes the stream; ToArray still works on a closed MemoryStream
            weights = output.ToArray();
        }
        using var input = new MemoryStream(weights, writable: false);
        copy.load(input, strict: true);
        if (device.type != DeviceType.CPU) copy.to(device);
        return copy;
    }
}
