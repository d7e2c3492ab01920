using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Moves a fitted component's network in and out of the library as a folder other tools read: <c>config.json</c> (the
/// network's options, the tokenizer, the component's settings and class names) beside <c>model.safetensors</c> (every
/// weight by its documented name) and the tokenizer's vocabulary files. The Python package in <c>python/</c> loads and
/// writes the same folder. Importing gives back a fitted component that scores exactly as the exported one and saves
/// into an ordinary ML.NET model zip. See docs/MODEL_FOLDER.md for the layout and the weight names.
/// </summary>
public static class ModelFolder
{
    /// <summary>
    /// Writes the component in <paramref name="model"/> (a classification, regression, entity-tagging, generation,
    /// pretraining or embedding transformer of this library, or a chain whose last such transformer is exported) into
    /// <paramref name="folder"/>.
    /// The folder is written whole or not at all: its files go to a temporary folder beside it, which then takes its
    /// place. An existing folder is replaced only when it is a model folder itself (it holds config.json) or empty.
    /// </summary>
    /// <param name="model">The fitted component, or a chain that contains one.</param>
    /// <param name="folder">The folder to write.</param>
    /// <exception cref="ArgumentException">The model holds no component of this library, or the folder holds other files.</exception>
    /// <exception cref="NotSupportedException">The tokenizer is a custom one, which has no vocabulary files to write.</exception>
    public static void Export(ITransformer model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string target = Path.GetFullPath(folder);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()
            && !File.Exists(Path.Combine(target, FolderConfig.FileName)))
            throw new ArgumentException($"The folder '{target}' exists and is not a model folder (it has no {FolderConfig.FileName}); " +
                "export into a new or empty folder.", nameof(folder));

        var content = FolderComponents.Describe(model);
        string staging = target + AtomicFile.TempMarker + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            var digests = new Dictionary<string, string>(StringComparer.Ordinal);
            void Write(string name, Action<Stream> write)
            {
                using (var stream = new FileStream(Path.Combine(staging, name), FileMode.CreateNew))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
                using var read = File.OpenRead(Path.Combine(staging, name));
                digests[name] = Convert.ToHexStringLower(SHA256.HashData(read));
            }

            var tokenizer = FolderTokenizer.Describe(content.Tokenizer, (name, bytes) => Write(name, s => s.Write(bytes)));
            var metadata = new Dictionary<string, string> { ["format"] = "pt", ["component"] = content.Kind.ToString() };
            Write(FolderConfig.WeightsFile, s => SafeTensorsFile.Write(s, NetworkTensors.Collect(content.Weights), metadata));
            var config = new FolderConfig
            {
                Format = FolderConfig.FormatName,
                FormatVersion = FolderConfig.CurrentFormatVersion,
                LibraryVersion = FolderConfig.CurrentLibraryVersion,
                Component = content.Kind,
                ModelOptions = JsonDocument.Parse(content.Network.Options.ToJson()).RootElement.Clone(),
                Tokenizer = tokenizer,
                Settings = content.Settings,
                ClassNames = content.ClassNames,
                Binary = content.Binary,
                Pooling = content.Pooling,
                Label = content.Label,
                Decoding = content.Decoding,
                Files = digests,
            };
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(config, FolderConfig.Json);
            using (var stream = new FileStream(Path.Combine(staging, FolderConfig.FileName), FileMode.CreateNew))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }
            Replace(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Reads a folder written by <see cref="Export"/> (or by the Python package) back into a fitted component:
    /// a <c>TextClassificationTransformer</c>, <c>TextRegressionTransformer</c>, <c>EntityTaggingTransformer</c>,
    /// <c>TextGenerationTransformer</c>, <c>TextPretrainingTransformer</c> or <c>TextEmbeddingTransformer</c>. Every file is checked against its SHA-256 in config.json, and every tensor's name,
    /// shape and dtype against the network config.json describes, before any weight is used; the first mismatch throws.
    /// Reading never executes anything from the folder.
    /// </summary>
    /// <param name="mlContext">The context of the component.</param>
    /// <param name="folder">The model folder.</param>
    /// <returns>The fitted component; save it with <c>mlContext.Model.Save</c> like any transformer.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is missing, altered, or does not fit config.json.</exception>
    public static ITransformer Import(MLContext mlContext, string folder)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var config = FolderConfig.Open(folder);
        byte[] ReadChecked(string name) => config.ReadChecked(folder, name);

        ModelOptions options;
        try
        {
            options = ModelOptions.FromJson(config.ModelOptions.GetRawText());
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The model folder's ModelOptions are invalid: {e.Message}", e);
        }
        var tokenizer = config.Tokenizer.Rebuild(ReadChecked);
        if (tokenizer.VocabularySize != options.VocabularySize)
            throw new InvalidDataException(
                $"The model folder's tokenizer has {tokenizer.VocabularySize} ids but its ModelOptions.VocabularySize is {options.VocabularySize}.");
        var (tensors, _) = SafeTensorsFile.Read(ReadChecked(FolderConfig.WeightsFile), FolderConfig.WeightsFile);

        // Building a network draws initial weights: keep the caller's random stream where it was.
        torch.nn.Module network;
        using (var state = torch.Generator.Default.get_state())
        {
            network = FolderComponents.Build(config, options);
            torch.Generator.Default.set_state(state);
        }
        try
        {
            NetworkTensors.Load(network, tensors, FolderConfig.WeightsFile);
            return FolderComponents.Create(mlContext, config, network, tokenizer);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    // Puts the staged folder in the target's place; a previous model folder there is removed only once the new one is in.
    private static void Replace(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        string previous = target + ".old-" + Guid.NewGuid().ToString("N");
        Directory.Move(target, previous);
        Directory.Move(staging, target);
        Directory.Delete(previous, recursive: true);
    }
}
