using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Trains a Transformer text classifier (multiclass on a key label, binary on a Boolean label), from scratch or from a
/// pretrained model. Created through <c>MulticlassClassification.Trainers.TransformerClassifier</c> or
/// <c>BinaryClassification.Trainers.TransformerClassifier</c>.
/// </summary>
public sealed class TextClassificationEstimator : IEstimator<TextClassificationTransformer>
{
    private readonly IHost _host;
    private readonly TransformerClassifierOptions _options;
    private readonly bool _binary;

    internal TextClassificationEstimator(IHostEnvironment env, TransformerClassifierOptions options, bool binary)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(TextClassificationEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _binary = binary;
        Validate(options);
    }

    /// <summary>Checks the input columns and describes the output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.TextColumnName);
        if (_options.SecondTextColumnName is { } second)
            ScoringSchema.CheckTextColumn(inputSchema, second);
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Label column '{_options.LabelColumnName}' was not found in the input schema.");
        bool ok = _binary ? label.ItemType is BooleanDataViewType && label.Kind == SchemaShape.Column.VectorKind.Scalar
                          : label.IsKey && label.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (!ok)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{_options.LabelColumnName}' must be {(_binary ? "a Boolean scalar" : "a key scalar (use MapValueToKey)")}; found {label.ItemType}{(label.IsKey ? " (key)" : "")}.");
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var c in ClassLabels.OutputShape(_binary))
            columns[c.Name] = c;
        return new SchemaShape(columns.Values);
    }

    /// <summary>Trains the classifier on <paramref name="input"/>.</summary>
    public TextClassificationTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var labels = ClassLabels.FromSchema(input.Schema, _options.LabelColumnName, _binary);
        using var channel = _host.Start("Training");
        Action<string> log = channel.Info;
        var device = TorchDevice.Resolve(_options.Device, _options.AllowCpuFallback, channel.Warning);

        var reader = new RowReader(input, _options.TextColumnName, _options.SecondTextColumnName, _options.LabelColumnName,
            _options.Tokenizer.EmptyText, log);
        var counts = CountClasses(reader, labels);
        torch.manual_seed(_options.Training.Seed); // the initial weights, like everything else, follow the seed
        var (body, tokenizer) = StartingNetwork(reader, device, log);
        var settings = new ClassifierSettings(_options.TextColumnName, _options.SecondTextColumnName,
            Math.Min(_options.Tokenizer.MaxLength, body.Options.MaxLength), _options.Tokenizer.TruncationSide, _options.ScoringBatchSize);
        var model = new ClassifierModel(body, labels.Count, _options.Pooling, _options.HeadDropout);
        if (_options.FreezeEmbeddings) body.FreezeEmbeddings();
        if (_options.FreezeLayers > 0) body.FreezeLowestLayers(_options.FreezeLayers);

        log($"Training a {(labels.IsBinary ? "binary" : labels.Count + "-class")} Transformer classifier: {counts.Sum():N0} rows, " +
            $"{body.ParameterCount:N0} parameters, vocabulary {tokenizer.VocabularySize:N0}, on {device.type}.");
        var result = new ClassifierTraining(model, tokenizer, settings, _options, log).Run(reader, ValidationReader());
        return new TextClassificationTransformer(_host, model, tokenizer, labels, settings) { TrainingHistory = result.History };
    }

    private RowReader? ValidationReader() => _options.ValidationSet is { } validation
        ? new RowReader(validation, _options.TextColumnName, _options.SecondTextColumnName, _options.LabelColumnName, _options.Tokenizer.EmptyText)
        : null;

    /// <summary>One pass over the labels: refuses an empty data set or a single class before any training.</summary>
    private long[] CountClasses(RowReader reader, ClassLabels labels)
    {
        var counts = new long[labels.Count];
        foreach (var row in reader.Read())
            if (row.Label >= 0 && row.Label < labels.Count)
                counts[row.Label]++;
        long total = counts.Sum();
        if (total == 0)
            throw new InvalidOperationException(
                $"The training data has no usable rows: every row was empty in '{_options.TextColumnName}' or had a missing label in '{_options.LabelColumnName}' (or the data set is empty).");
        int present = counts.Count(c => c > 0);
        if (present < 2)
            throw new InvalidOperationException(
                $"The training data holds a single class ('{labels.Names[Array.FindIndex(counts, c => c > 0)]}') in label column '{_options.LabelColumnName}': a classifier needs at least two.");
        return counts;
    }

    /// <summary>The network and tokenizer to start from: a copy of a pretrained one, or a new one.</summary>
    private (EncoderDecoderModel Body, TextTokenizer Tokenizer) StartingNetwork(RowReader reader, Device device, Action<string> log)
    {
        var source = PretrainedSource.Resolve(_host, _options.BaseModel, _options.BaseModelPath);
        if (source is not null)
        {
            PretrainedVocabulary.Check(source.Tokenizer, _options.Tokenizer, _options.Model);
            log($"Starting from a pretrained network ({source.Network.ParameterCount:N0} parameters).");
            return (PretrainedSource.Copy(source.Network, device), source.Tokenizer);
        }
        var texts = reader.Read().SelectMany(r => r.Second is null ? [r.Text] : new[] { r.Text, r.Second });
        var tokenizer = TextTokenizer.Create(_options.Tokenizer, texts);
        var modelOptions = _options.Model with
        {
            VocabularySize = tokenizer.VocabularySize,
            DecoderLayers = 0,
            EncoderLayers = Math.Max(1, _options.Model.EncoderLayers),
            MaxLength = Math.Max(_options.Model.MaxLength, _options.Tokenizer.MaxLength),
        };
        return (new EncoderDecoderModel(modelOptions, device), tokenizer);
    }

    private static void Validate(TransformerClassifierOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TextColumnName))
            throw new ArgumentException("TextColumnName must name a text column.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.LabelColumnName))
            throw new ArgumentException("LabelColumnName must name the label column.", nameof(options));
        if (options.ScoringBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"ScoringBatchSize ({options.ScoringBatchSize}) must be at least 1.");
        if (!(options.HeadDropout >= 0 && options.HeadDropout < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"HeadDropout ({options.HeadDropout}) must be in [0, 1).");
        if (options.FreezeLayers < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"FreezeLayers ({options.FreezeLayers}) must be 0 or more.");
        if (options.BaseModel is not null && options.BaseModelPath is not null)
            throw new ArgumentException("Set BaseModel or BaseModelPath, not both.", nameof(options));
        options.Tokenizer.Validate();
        options.Training.Validate();
        if (options.BaseModel is null && options.BaseModelPath is null)
            (options.Model with { VocabularySize = Math.Max(options.Model.VocabularySize, 8) }).Validate();
    }
}
