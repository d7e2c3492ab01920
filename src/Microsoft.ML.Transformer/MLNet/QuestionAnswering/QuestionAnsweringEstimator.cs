using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>
/// Trains a Transformer question answerer on contexts, questions and answer spans, from scratch or from a pretrained
/// model. Created through <c>MulticlassClassification.Trainers.TransformerQuestionAnswerer</c>.
/// </summary>
public sealed class QuestionAnsweringEstimator : IEstimator<QuestionAnsweringTransformer>
{
    private readonly IHost _host;
    private readonly TransformerQuestionAnswererOptions _options;

    internal QuestionAnsweringEstimator(IHostEnvironment env, TransformerQuestionAnswererOptions options)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(QuestionAnsweringEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        EncoderStart.Validate(options);
        if (string.IsNullOrWhiteSpace(options.QuestionColumnName))
            throw new ArgumentException("QuestionColumnName must name a text column.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.AnswerStartColumnName))
            throw new ArgumentException("AnswerStartColumnName must name the column of the answers' first characters.", nameof(options));
        if (options.Tokenizer.MaxLength < QaSettings.MinLength)
            throw new ArgumentOutOfRangeException(nameof(options), $"Tokenizer.MaxLength ({options.Tokenizer.MaxLength}) must be at least {QaSettings.MinLength}: a window holds [CLS] question [SEP] context [SEP].");
        if (options.Stride < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"Stride ({options.Stride}) must be at least 0 (context tokens consecutive windows share).");
        if (options.MaxAnswerWords < 1 || options.MaxAnswerWords > 10_000)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxAnswerWords ({options.MaxAnswerWords}) must be between 1 and 10,000.");
        if (options.TopK < 1 || options.TopK > 1_000)
            throw new ArgumentOutOfRangeException(nameof(options), $"TopK ({options.TopK}) must be between 1 and 1,000.");
    }

    /// <summary>Checks the context, question, answer and answer start columns and describes the added columns (see <see cref="AnswerColumns"/>).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.TextColumnName, "Context");
        ScoringSchema.CheckTextColumn(inputSchema, _options.QuestionColumnName, "Question");
        ScoringSchema.CheckTextColumn(inputSchema, _options.LabelColumnName, "Answer");
        var start = ScoringSchema.FindColumn(inputSchema, _options.AnswerStartColumnName, "Answer start");
        if (start.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Answer start column '{_options.AnswerStartColumnName}' must be a scalar; found a {start.Kind}.");
        AnswerRows.CheckStartType(_options.AnswerStartColumnName, start.ItemType);
        static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType type) => new(name, kind, type, false);
        return ScoringSchema.With(inputSchema,
        [
            Column(AnswerColumns.PredictedAnswer, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance),
            Column(AnswerColumns.PredictedAnswerStart, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32),
            Column(AnswerColumns.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single),
            Column(AnswerColumns.TopAnswers, SchemaShape.Column.VectorKind.VariableVector, TextDataViewType.Instance),
            Column(AnswerColumns.TopAnswerStarts, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Int32),
            Column(AnswerColumns.TopScores, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single),
        ]);
    }

    /// <summary>Trains the question answerer on <paramref name="input"/>.</summary>
    public QuestionAnsweringTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var rows = AnswerRows.Read(input, _options);
        var validation = _options.ValidationSet is { } v ? AnswerRows.Read(v, _options) : null;
        using var channel = _host.Start("Training");
        var start = EncoderStart.Begin(_host, _options, channel, () => rows.SelectMany(r => new[] { r.Question, r.Context }));
        var settings = new QaSettings(_options.TextColumnName, _options.QuestionColumnName, start.MaxLength,
            _options.Stride, _options.MaxAnswerWords, _options.TopK, _options.ScoringBatchSize);
        var model = new TokenTaggerModel(start.Body, 2, _options.HeadDropout);

        start.Describe("Training a Transformer question answerer: ");
        var training = EncoderStart.MaximizingMetric(_options.Training); // the validation metric is token F1
        var result = new QaTraining(model, start.Tokenizer, settings, training, start.Log).Run(rows, validation);
        return new QuestionAnsweringTransformer(_host, model, start.Tokenizer, settings) { TrainingHistory = result.History };
    }
}
