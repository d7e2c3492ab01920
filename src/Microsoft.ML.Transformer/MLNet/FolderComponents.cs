using System.Text.Json;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>What a model folder holds of one component: its kind, its network, the module whose state is the weights, its tokenizer, its settings.</summary>
internal sealed record FolderContent(ComponentKind Kind, TextNetwork Network, torch.nn.Module Weights, TextTokenizer Tokenizer,
    JsonElement Settings, string[]? ClassNames = null, bool? Binary = null, Pooling? Pooling = null, JsonElement? Decoding = null,
    LabelScale? Label = null);

/// <summary>
/// Maps each fitted component to the content of a model folder and back. Settings are written as JSON and, on import,
/// checked by the component's own binary loader (saved and read back), so a folder accepts exactly what a zip does.
/// </summary>
internal static class FolderComponents
{
    /// <summary>The folder content of <paramref name="model"/>: a component of this library, or the last one in a chain.</summary>
    public static FolderContent Describe(ITransformer model)
    {
        var component = PretrainedSource.Find(model) ?? throw new ArgumentException(
            $"The model ({model.GetType().Name}) holds no component of this library to export; pass a classification, regression, " +
            "entity-tagging, generation, pretraining or embedding transformer, or a chain that contains one.", nameof(model));
        var json = FolderConfig.Json;
        return component switch
        {
            TextClassificationTransformer c => new FolderContent(ComponentKind.TextClassifier, c.Model.Body, c.Model, Tokenizer(c),
                JsonSerializer.SerializeToElement(c.Settings, json), [.. c.Labels.Names], c.Labels.IsBinary, c.Model.Pooling),
            TextGenerationTransformer g => new FolderContent(ComponentKind.TextGenerator, Network(g), Network(g), Tokenizer(g),
                JsonSerializer.SerializeToElement(g.Settings, json), Decoding: JsonSerializer.SerializeToElement(g.Decoding, json)),
            TextPretrainingTransformer p => new FolderContent(ComponentKind.TextPretraining, Network(p), Network(p), Tokenizer(p),
                JsonSerializer.SerializeToElement(p.Settings, json)),
            TextEmbeddingTransformer e => new FolderContent(ComponentKind.TextEmbedding, Network(e), Network(e), Tokenizer(e),
                JsonSerializer.SerializeToElement(e.Settings, json)),
            TextRegressionTransformer r => new FolderContent(ComponentKind.TextRegressor, r.Model.Body, r.Model, Tokenizer(r),
                JsonSerializer.SerializeToElement(r.Settings, json), Pooling: r.Model.Pooling, Label: new LabelScale(r.Label.Mean, r.Label.Scale)),
            EntityTaggingTransformer t => new FolderContent(ComponentKind.EntityTagger, t.Model.Body, t.Model, Tokenizer(t),
                JsonSerializer.SerializeToElement(t.Settings, json)),
            _ => throw new ArgumentException($"Components of type {component.GetType().Name} cannot be exported to a model folder.", nameof(model)),
        };

        static TextNetwork Network(TextModelTransformerBase component) => component.Source!.Network;
        static TextTokenizer Tokenizer(TextModelTransformerBase component) => component.Source!.Tokenizer;
    }

    /// <summary>An empty network of the component's shape, whose state the folder's tensors then fill.</summary>
    public static torch.nn.Module Build(FolderConfig config, ModelOptions options) => config.Component switch
    {
        ComponentKind.TextClassifier => new ClassifierModel(new TextNetwork(options), ClassNames(config).Length,
            config.Pooling ?? throw Missing(config, nameof(FolderConfig.Pooling)), dropout: 0,
            Settings<ClassifierSettings>(config).Ngrams?.Buckets ?? 0),
        ComponentKind.TextRegressor => new ClassifierModel(new TextNetwork(options), classes: 1,
            config.Pooling ?? throw Missing(config, nameof(FolderConfig.Pooling)), dropout: 0),
        ComponentKind.EntityTagger => new TokenTaggerModel(new TextNetwork(options), TaggerSettingsOf(config).LabelNames.Count, dropout: 0),
        ComponentKind.TextGenerator when options.DecoderLayers == 0 =>
            throw new InvalidDataException("The model folder holds a text generator whose network has no decoder (DecoderLayers is 0)."),
        _ => new TextNetwork(options),
    };

    /// <summary>The fitted component from its filled network (see <see cref="Build"/>).</summary>
    public static ITransformer Create(IHostEnvironment env, FolderConfig config, torch.nn.Module weights, TextTokenizer tokenizer)
    {
        switch (config.Component)
        {
            case ComponentKind.TextClassifier:
                var labels = new ClassLabels(ClassNames(config), config.Binary ?? throw Missing(config, nameof(FolderConfig.Binary)));
                var classifier = ClassifierSettingsOf(config);
                return new TextClassificationTransformer(env, (ClassifierModel)weights, tokenizer, labels, classifier);
            case ComponentKind.TextGenerator:
                var generator = Checked(Settings<GeneratorSettings>(config), (s, w) => s.Save(w), GeneratorSettings.Load);
                var decoding = Deserialize<DecodingOptions>(config.Decoding ?? throw Missing(config, nameof(FolderConfig.Decoding)), nameof(FolderConfig.Decoding));
                return new TextGenerationTransformer(env, (TextNetwork)weights, tokenizer, generator, decoding);
            case ComponentKind.TextRegressor:
                var label = config.Label ?? throw Missing(config, nameof(FolderConfig.Label));
                var regressor = RegressorSettingsOf(config, label);
                return new TextRegressionTransformer(env, (ClassifierModel)weights, tokenizer, regressor, (label.Mean, label.Scale));
            case ComponentKind.EntityTagger:
                return new EntityTaggingTransformer(env, (TokenTaggerModel)weights, tokenizer, TaggerSettingsOf(config));
            case ComponentKind.TextPretraining:
                var pretraining = Checked(Settings<PretrainingSettings>(config), (s, w) => s.Save(w), PretrainingSettings.Load);
                return new TextPretrainingTransformer(env, (TextNetwork)weights, tokenizer, pretraining);
            case ComponentKind.TextEmbedding:
                var embedding = EmbeddingSettingsOf(config);
                var network = (TextNetwork)weights;
                using (var channel = env.Register(nameof(TextEmbeddingTransformer)).Start("Import"))
                {
                    var device = TorchDevice.Resolve(embedding.Device, allowFallback: true, channel.Warning);
                    if (device.type != DeviceType.CPU) network = PretrainedSource.Copy(network, device);
                }
                return new TextEmbeddingTransformer(env, network, tokenizer, embedding);
            default:
                throw new InvalidDataException($"The model folder holds an unknown component ({config.Component}).");
        }
    }

    /// <summary>A classifier folder's settings, as its zip loader accepts them.</summary>
    public static ClassifierSettings ClassifierSettingsOf(FolderConfig config)
    {
        var saved = Settings<ClassifierSettings>(config);
        return Checked(saved, (s, w) => s.Save(w), ClassifierSettings.Load) with
        {
            Ngrams = saved.Ngrams is { } n ? Checked(n, (s, w) => s.Save(w), HashedNgrams.Load) : null,
        };
    }

    /// <summary>A regressor folder's settings, as its zip loader accepts them (settings, label scale and pooling read back together).</summary>
    private static ClassifierSettings RegressorSettingsOf(FolderConfig config, LabelScale label) =>
        Checked(Settings<ClassifierSettings>(config), (s, w) =>
        {
            s.Save(w);
            w.Write(label.Mean);
            w.Write(label.Scale);
            w.Write((int)(config.Pooling ?? throw Missing(config, nameof(FolderConfig.Pooling))));
        }, r => TextRegressionTransformer.ReadFields(r).Settings);

    /// <summary>An entity tagger folder's settings, as its zip loader accepts them.</summary>
    private static TaggerSettings TaggerSettingsOf(FolderConfig config) =>
        Checked(Settings<TaggerSettings>(config), (s, w) => s.Save(w), TaggerSettings.Load);

    /// <summary>An embedding folder's settings, as its zip loader accepts them.</summary>
    public static EmbeddingSettings EmbeddingSettingsOf(FolderConfig config) =>
        Checked(Settings<EmbeddingSettings>(config), (s, w) => s.Save(w), EmbeddingSettings.Load);

    private static string[] ClassNames(FolderConfig config) =>
        config.ClassNames is { Length: >= 2 } names ? names
            : throw new InvalidDataException($"The model folder's classifier needs ClassNames with at least 2 names; found {config.ClassNames?.Length ?? 0}.");

    private static T Settings<T>(FolderConfig config) => Deserialize<T>(config.Settings, nameof(FolderConfig.Settings));

    private static T Deserialize<T>(JsonElement element, string field)
    {
        try
        {
            return element.Deserialize<T>(FolderConfig.Json) ?? throw new InvalidDataException($"The model folder's {field} is 'null'.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model folder's {field} could not be read as {typeof(T).Name}: {e.Message}", e);
        }
    }

    // The component's own loader judges the settings: they are written in its binary form and read back through it.
    private static T Checked<T>(T settings, Action<T, BinaryWriter> save, Func<BinaryReader, T> load)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) save(settings, writer);
        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        return load(reader);
    }

    private static InvalidDataException Missing(FolderConfig config, string field) =>
        new($"The model folder's {FolderConfig.FileName} has no {field}, which a {config.Component} needs.");
}
