using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.Persistence;

/// <summary>
/// The parts every component of the library saves into a model zip, each as a checked entry (length and SHA-256
/// verified on load): the network's options as JSON, its weights (TorchSharp's format, always from the CPU), and the
/// tokenizer. Loading checks that the weights fit the options, so a zip whose entries were swapped or edited fails
/// with a message instead of loading a wrong model.
/// </summary>
internal static class NetworkEntries
{
    /// <summary>
    /// The name of the tokenizer's entry, also written by the token-id transform; saved zips record it, so it never
    /// changes.
    /// </summary>
    public const string TokenizerEntry = "Tokenizer.bin";

    /// <summary>Writes the entries in the order <see cref="LoadNetwork{T}"/> reads them: options, tokenizer, weights.</summary>
    /// <param name="ctx">The component's save context, after its own header.</param>
    /// <param name="network">The network whose options are saved.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="weights">The module whose weights are saved: the network itself when null, or a model around it
    /// (a classifier saves its head too).</param>
    public static void SaveNetwork(ModelSaveContext ctx, TextNetwork network, TextTokenizer tokenizer, torch.nn.Module? weights = null)
    {
        SaveOptions(ctx, network.Options);
        SaveTokenizer(ctx, tokenizer);
        SaveWeights(ctx, weights ?? network);
    }

    /// <summary>
    /// Reads what <see cref="SaveNetwork"/> wrote: the options, the tokenizer (its vocabulary must be the network's),
    /// then the weights, strictly, into the module <paramref name="build"/> makes from the options.
    /// </summary>
    /// <param name="ctx">The component's load context, after its own header.</param>
    /// <param name="build">Builds a fresh module of the saved shape; it may refuse options its component cannot use.</param>
    public static (T Network, TextTokenizer Tokenizer) LoadNetwork<T>(ModelLoadContext ctx, Func<ModelOptions, T> build)
        where T : torch.nn.Module
    {
        var options = LoadOptions(ctx);
        var tokenizer = LoadTokenizer(ctx);
        if (tokenizer.VocabularySize != options.VocabularySize)
            throw new InvalidDataException(
                $"The model's tokenizer has {tokenizer.VocabularySize} ids but its network expects {options.VocabularySize}.");
        var network = build(options);
        LoadWeights(ctx, network);
        return (network, tokenizer);
    }

    /// <summary>
    /// Reads a network (see <see cref="LoadNetwork{T}"/>) and copies it to the component's saved device when that is
    /// not the CPU; an unavailable device falls back to the CPU with a warning.
    /// </summary>
    /// <param name="env">The environment the warning goes to.</param>
    /// <param name="ctx">The component's load context, after its own header.</param>
    /// <param name="component">The name of the loading component, which the warning carries.</param>
    /// <param name="device">The device saved with the component.</param>
    public static (TextNetwork Network, TextTokenizer Tokenizer) LoadNetwork(IHostEnvironment env, ModelLoadContext ctx,
        string component, ComputeDevice device)
    {
        var (network, tokenizer) = LoadNetwork(ctx, options => new TextNetwork(options));
        using var channel = env.Register(component).Start("Load");
        var resolved = TorchDevice.Resolve(device, allowFallback: true, channel.Warning, channel.Info);
        if (resolved.type != DeviceType.CPU)
            network = PretrainedSource.Copy(network, resolved);
        return (network, tokenizer);
    }

    private static void SaveOptions(ModelSaveContext ctx, ModelOptions options) =>
        CheckedEntries.Save(ctx, "ModelOptions.json", System.Text.Encoding.UTF8.GetBytes(options.ToJson()));

    private static ModelOptions LoadOptions(ModelLoadContext ctx)
    {
        string json = System.Text.Encoding.UTF8.GetString(CheckedEntries.Load(ctx, "ModelOptions.json"));
        try
        {
            return ModelOptions.FromJson(json);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            throw new InvalidDataException("The model's options (ModelOptions.json) are invalid: " + e.Message, e);
        }
    }

    private static void SaveTokenizer(ModelSaveContext ctx, TextTokenizer tokenizer) =>
        CheckedEntries.Save(ctx, TokenizerEntry, tokenizer.ToBytes());

    private static TextTokenizer LoadTokenizer(ModelLoadContext ctx)
    {
        byte[] bytes = CheckedEntries.Load(ctx, TokenizerEntry);
        try
        {
            return TextTokenizer.FromBytes(bytes);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"The model's tokenizer ({TokenizerEntry}) could not be read: " + e.Message, e);
        }
    }

    /// <summary>Saves a module's weights (moved to the CPU first when they live elsewhere).</summary>
    private static void SaveWeights(ModelSaveContext ctx, torch.nn.Module module)
    {
        using var stream = new MemoryStream();
        module.save(stream);
        CheckedEntries.Save(ctx, "Weights.bin", stream.ToArray());
    }

    /// <summary>Loads weights into a freshly built module of the saved shape; every parameter must be present and fit.</summary>
    private static void LoadWeights(ModelLoadContext ctx, torch.nn.Module module)
    {
        byte[] bytes = CheckedEntries.Load(ctx, "Weights.bin");
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            module.load(stream, strict: true);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException(
                "The model's weights (Weights.bin) do not match its options (ModelOptions.json): " + e.Message, e);
        }
    }
}
