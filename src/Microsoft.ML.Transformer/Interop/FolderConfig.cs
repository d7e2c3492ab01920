using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Interop;

/// <summary>
/// config.json of a model folder: which format and library wrote it, which component it holds, the network's options
/// (as <see cref="ModelOptions.ToJson"/> writes them), the tokenizer, the component's own settings, and the SHA-256 of
/// every other file of the folder. docs/MODEL_FOLDER.md describes each field.
/// </summary>
internal sealed record FolderConfig
{
    /// <summary>The value of <see cref="Format"/> in every folder of this library.</summary>
    public const string FormatName = "Microsoft.ML.Transformer.ModelFolder";

    /// <summary>The folder layout this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The file name of this record inside the folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The file name of the weights inside the folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>How config.json is written and read: indented, enums by name, unknown members refused.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }

    /// <summary>The layout version; this library reads <see cref="CurrentFormatVersion"/> only.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The version of the library that wrote the folder (informational).</summary>
    public required string LibraryVersion { get; init; }

    /// <summary>Which fitted component the folder holds (see <see cref="ComponentKind"/>).</summary>
    public required ComponentKind Component { get; init; }

    /// <summary>The network's options, exactly as <see cref="ModelOptions.ToJson"/> writes them.</summary>
    public required JsonElement ModelOptions { get; init; }

    /// <summary>The tokenizer and the names of its vocabulary files.</summary>
    public required FolderTokenizer Tokenizer { get; init; }

    /// <summary>The component's settings (columns, lengths, objective, pooling...), as the component saves them.</summary>
    public required JsonElement Settings { get; init; }

    /// <summary>A classifier's class names in key order (class i is key i + 1).</summary>
    public string[]? ClassNames { get; init; }

    /// <summary>Whether a classifier is binary (Boolean label).</summary>
    public bool? Binary { get; init; }

    /// <summary>A classifier's or a regressor's pooling of hidden states.</summary>
    public Pooling? Pooling { get; init; }

    /// <summary>A regressor's label scale: the network predicts (label - mean) / scale.</summary>
    public LabelScale? Label { get; init; }

    /// <summary>A generator's decoding options.</summary>
    public JsonElement? Decoding { get; init; }

    /// <summary>Hex SHA-256 of every other file of the folder, by file name; each is checked before it is used.</summary>
    public required Dictionary<string, string> Files { get; init; }

    /// <summary>The library's version, without build metadata.</summary>
    public static string CurrentLibraryVersion
    {
        get
        {
            string? version = typeof(FolderConfig).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return version is null ? "unknown" : version.Split('+')[0];
        }
    }

    /// <summary>
    /// Opens the model folder <paramref name="folder"/>: it must exist and hold a config.json of this format.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It has no config.json, or one of another format or version.</exception>
    public static FolderConfig Open(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The model folder '{folder}' does not exist.");
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new InvalidDataException($"'{folder}' is not a model folder: it has no {FileName}.");
        return Read(path);
    }

    /// <summary>The bytes of the folder's file <paramref name="name"/>, after checking them against their SHA-256 in <see cref="Files"/>.</summary>
    public byte[] ReadChecked(string folder, string name)
    {
        if (!Files.TryGetValue(name, out string? digest))
            throw new InvalidDataException($"The model folder's {FileName} lists no digest for '{name}'.");
        string path = Path.Combine(folder, name);
        if (!File.Exists(path))
            throw new InvalidDataException($"The model folder '{folder}' has no '{name}'.");
        byte[] bytes = File.ReadAllBytes(path);
        if (!string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), digest, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The model folder's '{name}' does not match its SHA-256 in {FileName} (the file was altered or damaged).");
        return bytes;
    }

    /// <summary>
    /// Reads config.json, checking the format name and version before anything else, so that a folder of another
    /// format or library version is named as such rather than failing on a field.
    /// </summary>
    public static FolderConfig Read(string path)
    {
        string text = File.ReadAllText(path);
        try
        {
            using (var document = JsonDocument.Parse(text))
            {
                var root = document.RootElement;
                string? format = root.ValueKind == JsonValueKind.Object && root.TryGetProperty(nameof(Format), out var f) && f.ValueKind == JsonValueKind.String
                    ? f.GetString() : null;
                if (format != FormatName)
                    throw new InvalidDataException($"'{path}' is not a model folder's config: its Format is '{format ?? "(none)"}', expected '{FormatName}'.");
                int version = root.TryGetProperty(nameof(FormatVersion), out var v) && v.TryGetInt32(out int n) ? n : -1;
                string writer = root.TryGetProperty(nameof(LibraryVersion), out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "(unknown)";
                if (version != CurrentFormatVersion)
                    throw new InvalidDataException(
                        $"The model folder was written with folder format {version} by library version {writer}; this library " +
                        $"(version {CurrentLibraryVersion}) reads format {CurrentFormatVersion}.");
            }
            return JsonSerializer.Deserialize<FolderConfig>(text, Json) ?? throw new InvalidDataException($"'{path}' holds 'null'.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model folder's {FileName} could not be read: {e.Message}", e);
        }
    }
}

/// <summary>The fitted components a model folder can hold.</summary>
internal enum ComponentKind
{
    /// <summary>A text classifier: network, pooling and linear head.</summary>
    TextClassifier,

    /// <summary>A text generator (decoder-only or encoder-decoder) with its decoding options.</summary>
    TextGenerator,

    /// <summary>A pretrained network with its objective.</summary>
    TextPretraining,

    /// <summary>A text embedding transform.</summary>
    TextEmbedding,

    /// <summary>A text regressor: network, pooling, a one-output head and its label scale.</summary>
    TextRegressor,

    /// <summary>An entity tagger: network and a head giving every token its label logits.</summary>
    EntityTagger,
}

/// <summary>A regressor's label scale in config.json.</summary>
/// <param name="Mean">The training labels' mean.</param>
/// <param name="Scale">The training labels' standard deviation (positive).</param>
internal sealed record LabelScale(double Mean, double Scale);
