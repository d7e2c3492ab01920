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
    public static void SaveOptions(ModelSaveContext ctx, ModelOptions options) =>
        CheckedEntries.Save(ctx, "ModelOptions.json", System.Text.Encoding.UTF8.GetBytes(options.ToJson()));

    public static ModelOptions LoadOptions(ModelLoadContext ctx)
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

    public static void SaveTokenizer(ModelSaveContext ctx, TextTokenizer tokenizer) =>
        CheckedEntries.Save(ctx, "Tokenizer.bin", tokenizer.ToBytes());

    public static TextTokenizer LoadTokenizer(ModelLoadContext ctx)
    {
        byte[] bytes = CheckedEntries.Load(ctx, "Tokenizer.bin");
        try
        {
            return TextTokenizer.FromBytes(bytes);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException("The model's tokenizer (Tokenizer.bin) could not be read: " + e.Message, e);
        }
    }

    /// <summary>Saves a module's weights (moved to the CPU first when they live elsewhere).</summary>
    public static void SaveWeights(ModelSaveContext ctx, torch.nn.Module module)
    {
        using var stream = new MemoryStream();
        module.save(stream);
        CheckedEntries.Save(ctx, "Weights.bin", stream.ToArray());
    }

    /// <summary>Loads weights into a freshly built module of the saved shape; every parameter must be present and fit.</summary>
    public static void LoadWeights(ModelLoadContext ctx, torch.nn.Module module)
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
