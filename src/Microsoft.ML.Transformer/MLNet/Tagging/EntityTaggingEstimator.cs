using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>
/// Trains a Transformer entity tagger on a text column and one label per word, from scratch or from a pretrained
/// model. Created through <c>MulticlassClassification.Trainers.TransformerEntityTagger</c>.
/// </summary>
public sealed class EntityTaggingEstimator : IEstimator<EntityTaggingTransformer>
{
    private readonly IHost _host;
    private readonly TransformerEntityTaggerOptions _options;

    internal EntityTaggingEstimator(IHostEnvironment env, TransformerEntityTaggerOptions options)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(EntityTaggingEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        EncoderStart.Validate(options.Common);
        if (options.Tokenizer.MaxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(options), $"Tokenizer.MaxLength ({options.Tokenizer.MaxLength}) must be at least 3: [CLS], a word, [SEP].");
    }

    /// <summary>Checks the text and label columns and describes the added columns (see <see cref="TaggingColumns"/>).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.TextColumnName);
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Label column '{_options.LabelColumnName}' was not found in the input schema.");
        if (!label.IsKey || label.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{_options.LabelColumnName}' must be a vector of keys (one label per word, as after MapValueToKey); found {label.ItemType} ({label.Kind}).");
        var keyValues = new SchemaShape([new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false)]);
        var columns = inputSchema.ToDictionary(c => c.Name);
        void Add(string name, DataViewType type, bool isKey = false, SchemaShape? annotations = null) =>
            columns[name] = new SchemaShape.Column(name, SchemaShape.Column.VectorKind.VariableVector, type, isKey, annotations);
        Add(TaggingColumns.PredictedLabel, NumberDataViewType.UInt32, isKey: true, keyValues);
        Add(TaggingColumns.Entities, TextDataViewType.Instance);
        Add(TaggingColumns.EntityStart, NumberDataViewType.Int32);
        Add(TaggingColumns.EntityLength, NumberDataViewType.Int32);
        Add(TaggingColumns.EntityType, TextDataViewType.Instance);
        Add(TaggingColumns.EntityScore, NumberDataViewType.Single);
        return new SchemaShape(columns.Values);
    }

    /// <summary>Trains the tagger on <paramref name="input"/>.</summary>
    public EntityTaggingTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var names = TaggedTexts.LabelNames(input.Schema, _options.LabelColumnName);
        var rows = TaggedTexts.Read(input, _options.TextColumnName, _options.LabelColumnName, names.Length);
        var validation = _options.ValidationSet is { } v ? TaggedTexts.Read(v, _options.TextColumnName, _options.LabelColumnName, names.Length) : null;
        using var channel = _host.Start("Training");
        Action<string> log = channel.Info;
        var device = TorchDevice.Resolve(_options.Device, _options.AllowCpuFallback, channel.Warning);

        torch.manual_seed(_options.Training.Seed); // the initial weights, like everything else, follow the seed
        var (body, tokenizer) = EncoderStart.Network(_host, _options.Common, () => rows.Select(r => r.Text), device, log);
        var settings = new TaggerSettings(_options.TextColumnName, Math.Min(_options.Tokenizer.MaxLength, body.Options.MaxLength),
            _options.ScoringBatchSize, names);
        var model = new TokenTaggerModel(body, names.Length, _options.HeadDropout);
        EncoderStart.Freeze(body, _options.FreezeEmbeddings, _options.FreezeLayers);

        log($"Training a Transformer entity tagger: {names.Length} labels ({string.Join(", ", names)}); " +
            $"{body.ParameterCount:N0} parameters, vocabulary {tokenizer.VocabularySize:N0}, on {device.type}.");
        var training = _options.Training.Copy();
        training.HigherMetricIsBetter = true; // the validation metric is entity F1
        var result = new TaggingTraining(model, tokenizer, settings, training, log).Run(rows, validation);
        return new EntityTaggingTransformer(_host, model, tokenizer, settings) { TrainingHistory = result.History };
    }
}
