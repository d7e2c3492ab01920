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
        EncoderStart.Validate(options);
        if (options.Tokenizer.MaxLength < 3)
            throw new ArgumentOutOfRangeException(nameof(options), $"Tokenizer.MaxLength ({options.Tokenizer.MaxLength}) must be at least 3: [CLS], a word, [SEP].");
    }

    /// <summary>Checks the text and label columns and describes the added columns (see <see cref="TaggingColumns"/>).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.TextColumnName);
        var label = ScoringSchema.FindColumn(inputSchema, _options.LabelColumnName, "Label");
        if (!label.IsKey || label.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{_options.LabelColumnName}' must be a vector of keys (one label per word, as after MapValueToKey); found {label.ItemType} ({label.Kind}).");
        var keyValues = new SchemaShape([new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false)]);
        static SchemaShape.Column Column(string name, DataViewType type, bool isKey = false, SchemaShape? annotations = null) =>
            new(name, SchemaShape.Column.VectorKind.VariableVector, type, isKey, annotations);
        return ScoringSchema.With(inputSchema,
        [
            Column(TaggingColumns.PredictedLabel, NumberDataViewType.UInt32, isKey: true, keyValues),
            Column(TaggingColumns.Entities, TextDataViewType.Instance),
            Column(TaggingColumns.EntityStart, NumberDataViewType.Int32),
            Column(TaggingColumns.EntityLength, NumberDataViewType.Int32),
            Column(TaggingColumns.EntityType, TextDataViewType.Instance),
            Column(TaggingColumns.EntityScore, NumberDataViewType.Single),
        ]);
    }

    /// <summary>Trains the tagger on <paramref name="input"/>.</summary>
    public EntityTaggingTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var names = TaggedTexts.LabelNames(input.Schema, _options.LabelColumnName);
        var rows = TaggedTexts.Read(input, _options.TextColumnName, _options.LabelColumnName, names.Length);
        var validation = _options.ValidationSet is { } v ? TaggedTexts.Read(v, _options.TextColumnName, _options.LabelColumnName, names.Length) : null;
        using var channel = _host.Start("Training");
        var start = EncoderStart.Begin(_host, _options, channel, () => rows.Select(r => r.Text));
        var settings = new TaggerSettings(_options.TextColumnName, start.MaxLength, _options.ScoringBatchSize, names);
        var model = new TokenTaggerModel(start.Body, names.Length, _options.HeadDropout);

        start.Describe($"Training a Transformer entity tagger: {names.Length} labels ({string.Join(", ", names)}); ");
        var training = EncoderStart.MaximizingMetric(_options.Training); // the validation metric is entity F1
        var result = new TaggingTraining(model, start.Tokenizer, settings, training, start.Log).Run(rows, validation);
        return new EntityTaggingTransformer(_host, model, start.Tokenizer, settings) { TrainingHistory = result.History };
    }
}
