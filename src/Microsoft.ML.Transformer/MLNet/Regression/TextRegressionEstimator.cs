using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.Regression;

/// <summary>
/// Trains a Transformer text regressor on one text or a pair of texts and a Single label, from scratch or from a
/// pretrained model. Created through <c>Regression.Trainers.TransformerRegressor</c>.
/// </summary>
public sealed class TextRegressionEstimator : TextEstimatorBase<TextRegressionOptions, TextRegressionTransformer>
{
    internal TextRegressionEstimator(IHostEnvironment env, TextRegressionOptions options)
        : base(env, options, o => o.Validate())
    {
    }

    /// <summary>Checks the input columns and describes the output column (<c>Score</c>, Single).</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.TextColumnName);
        if (Options.SecondTextColumnName is { } second)
            ScoringSchema.CheckTextColumn(inputSchema, second, "Second text");
        var label = ScoringSchema.FindColumn(inputSchema, Options.LabelColumnName, "Label");
        if (label.ItemType != NumberDataViewType.Single || label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{Options.LabelColumnName}' must be a Single scalar for regression; found {label.ItemType} ({label.Kind}).");
        var kinds = new SchemaShape(
        [
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
        ]);
        return [new SchemaShape.Column("Score", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, kinds)];
    }

    /// <summary>Trains the regressor on <paramref name="input"/>.</summary>
    private protected override TextRegressionTransformer FitChecked(IDataView input)
    {
        var targets = RegressionTargets.Read(input, Options.LabelColumnName);
        using var channel = Host.Start("Training");
        var reader = Rows(input, channel.Info);
        var start = EncoderStart.Begin(Host, Options, channel, () => reader.Read().SelectMany(r => r.Second is null ? [r.Text] : new[] { r.Text, r.Second }));
        var settings = new ClassifierSettings(Options.TextColumnName, Options.SecondTextColumnName, start.MaxLength,
            Options.Tokenizer.TruncationSide, Options.ScoringBatchSize);
        var model = new ClassifierModel(start.Body, 1, Options.Pooling, Options.HeadDropout);

        start.Describe($"Training a Transformer regressor on {(settings.SecondTextColumn is null ? "one text" : "text pairs")}: label mean " +
            $"{targets.Mean:G4}, deviation {targets.Scale:G4}; ");
        var validation = Options.ValidationSet is { } v
            ? (Rows(v, null), RegressionTargets.Read(v, Options.LabelColumnName, (targets.Mean, targets.Scale)))
            : ((RowReader, RegressionTargets)?)null;
        var result = new RegressionTraining(model, start.Tokenizer, settings, Options, start.Log).Run(reader, targets, validation);
        return new TextRegressionTransformer(Host, model, start.Tokenizer, settings, (targets.Mean, targets.Scale)) { TrainingHistory = result.History };
    }

    private RowReader Rows(IDataView data, Action<string>? log) =>
        new(data, Options.TextColumnName, Options.SecondTextColumnName, emptyText: Options.Tokenizer.EmptyText, log: log);
}
