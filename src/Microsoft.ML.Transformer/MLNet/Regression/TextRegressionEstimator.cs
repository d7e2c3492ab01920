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
public sealed class TextRegressionEstimator : IEstimator<TextRegressionTransformer>
{
    private readonly IHost _host;
    private readonly TransformerRegressorOptions _options;

    internal TextRegressionEstimator(IHostEnvironment env, TransformerRegressorOptions options)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(TextRegressionEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        EncoderStart.Validate(options);
        if (options.SecondTextColumnName is { } second && string.IsNullOrWhiteSpace(second))
            throw new ArgumentException("SecondTextColumnName must name a text column, or be null for one text.", nameof(options));
    }

    /// <summary>Checks the input columns and describes the output column (<c>Score</c>, Single).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.TextColumnName);
        if (_options.SecondTextColumnName is { } second)
            ScoringSchema.CheckTextColumn(inputSchema, second, "Second text");
        var label = ScoringSchema.FindColumn(inputSchema, _options.LabelColumnName, "Label");
        if (label.ItemType != NumberDataViewType.Single || label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{_options.LabelColumnName}' must be a Single scalar for regression; found {label.ItemType} ({label.Kind}).");
        var kinds = new SchemaShape(
        [
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
        ]);
        return ScoringSchema.With(inputSchema, [new SchemaShape.Column("Score", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, kinds)]);
    }

    /// <summary>Trains the regressor on <paramref name="input"/>.</summary>
    public TextRegressionTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var targets = RegressionTargets.Read(input, _options.LabelColumnName);
        using var channel = _host.Start("Training");
        var reader = Rows(input, channel.Info);
        var start = EncoderStart.Begin(_host, _options, channel, () => reader.Read().SelectMany(r => r.Second is null ? [r.Text] : new[] { r.Text, r.Second }));
        var settings = new ClassifierSettings(_options.TextColumnName, _options.SecondTextColumnName, start.MaxLength,
            _options.Tokenizer.TruncationSide, _options.ScoringBatchSize);
        var model = new ClassifierModel(start.Body, 1, _options.Pooling, _options.HeadDropout);

        start.Describe($"Training a Transformer regressor on {(settings.SecondTextColumn is null ? "one text" : "text pairs")}: label mean " +
            $"{targets.Mean:G4}, deviation {targets.Scale:G4}; ");
        var validation = _options.ValidationSet is { } v
            ? (Rows(v, null), RegressionTargets.Read(v, _options.LabelColumnName, (targets.Mean, targets.Scale)))
            : ((RowReader, RegressionTargets)?)null;
        var result = new RegressionTraining(model, start.Tokenizer, settings, _options, start.Log).Run(reader, targets, validation);
        return new TextRegressionTransformer(_host, model, start.Tokenizer, settings, (targets.Mean, targets.Scale)) { TrainingHistory = result.History };
    }

    private RowReader Rows(IDataView data, Action<string>? log) =>
        new(data, _options.TextColumnName, _options.SecondTextColumnName, emptyText: _options.Tokenizer.EmptyText, log: log);
}
