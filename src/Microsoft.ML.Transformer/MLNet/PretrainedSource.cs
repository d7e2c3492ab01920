using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>Finds the network a trainer fine-tunes from: a fitted component of this library, or a saved zip holding one.</summary>
internal static class PretrainedSource
{
    /// <summary>The source in <paramref name="model"/> or in the zip at <paramref name="path"/>; null when neither is set.</summary>
    public static INetworkSource? Resolve(IHostEnvironment env, ITransformer? model, string? path)
    {
        if (model is null && path is null)
            return null;
        if (model is null)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"BaseModelPath '{path}' does not exist.", path);
            model = new MLContext().Model.Load(path, out _);
        }
        return Find(model) ?? throw new ArgumentException(
            $"The base model ({model.GetType().Name}) holds no Transformer network of this library; pass a pretrained, " +
            "classification, generation or embedding transformer, or a chain that contains one.");
    }

    private static INetworkSource? Find(ITransformer model) => model switch
    {
        INetworkSource source => source,
        IEnumerable<ITransformer> chain => chain.Reverse().Select(Find).FirstOrDefault(s => s is not null),
        _ => null,
    };

    /// <summary>A new network with the source's options and a copy of its weights, on <paramref name="device"/>: fine-tuning never changes the source.</summary>
    public static EncoderDecoderModel Copy(EncoderDecoderModel source, Device device)
    {
        var copy = new EncoderDecoderModel(source.Options, device);
        using var stream = new MemoryStream();
        source.save(stream);
        stream.Position = 0;
        copy.load(stream, strict: true);
        if (device.type != DeviceType.CPU) copy.to(device);
        return copy;
    }
}
