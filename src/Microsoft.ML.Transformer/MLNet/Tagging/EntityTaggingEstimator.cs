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
public sealed class EntityTaggingEstimator : TextEstimatorBase<EntityTaggingOptions, EntityTaggingTransformer>
{
    internal EntityTaggingEstimator(IHostEnvironment env, EntityTaggingOptions options)
        : base(env, options, o => o.Validate())
    {
    }

    /// <summary>Checks the text and label columns and describes the added columns (see <see cref="TaggingColumns"/>).</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.TextColumnName);
        var label = ScoringSchema.FindColumn(inputSchema, Options.LabelColumnName, "Label");
        if (!label.IsKey || label.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{Options.LabelColumnName}' must be a vector of keys (one label per word, as after MapValueToKey); found {label.ItemType} ({label.Kind}).");
        var keyValues = new SchemaShape([new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false)]);
        static SchemaShape.Column Column(string name, DataViewType type, bool isKey = false, SchemaShape? annotations = null) =>
            new(name, SchemaShape.Column.VectorKind.VariableVector, type, isKey, annotations);
        return
        [
            Column(TaggingColumns.PredictedLabel, NumberDataViewType.UInt32, isKey: true, keyValues),
            Column(TaggingColumns.Entities, TextDataViewType.Instance),
            Column(TaggingColumns.EntityStart, NumberDataViewType.Int32),
            Column(TaggingColumns.EntityLength, NumberDataViewType.Int32),
            Column(TaggingColumns.EntityType, TextDataViewType.Instance),
            Column(TaggingColumns.EntityScore, NumberDataViewType.Single),
        ];
    }

    /// <summary>Trains the tagger on <paramref name="input"/>.</summary>
    private protected override EntityTaggingTransformer FitChecked(IDataView input)
    {
        var names = TaggedTexts.LabelNames(input.Schema, Options.LabelColumnName);
        var rows = TaggedTexts.Read(input, Options.TextColumnName, Options.LabelColumnName, names.Length);
        var validation = Options.ValidationSet is { } v ? TaggedTexts.Read(v, Options.TextColumnName, Options.LabelColumnName, names.Length) : null;
        using var channel = Host.Start("Training");
        var start = EncoderStart.Begin(Host, Options, channel, () => rows.Select(r => r.Text));
        var settings = new TaggerSettings(Options.TextColumnName, start.MaxLength, Options.ScoringBatchSize, names);
        var model = new TokenTaggerModel(start.Body, names.Length, Options.HeadDropout);

        start.Describe($"Training a Transformer entity tagger: {names.Length} labels ({string.Join(", ", names)}); ");
        var training = EncoderStart.MaximizingMetric(Options.Training); // the validation metric is entity F1
        var result = new TaggingTraining(model, start.Tokenizer, settings, training, start.Log).Run(rows, validation);
        return new EntityTaggingTransformer(Host, model, start.Tokenizer, settings) { TrainingHistory = result.History };
    }
}
