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
public sealed class QuestionAnsweringEstimator : TextEstimatorBase<QuestionAnsweringOptions, QuestionAnsweringTransformer>
{
    internal QuestionAnsweringEstimator(IHostEnvironment env, QuestionAnsweringOptions options)
        : base(env, options, o => o.Validate())
    {
    }

    /// <summary>Checks the context, question, answer and answer start columns and describes the added columns (see <see cref="AnswerColumns"/>).</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.TextColumnName, "Context");
        ScoringSchema.CheckTextColumn(inputSchema, Options.QuestionColumnName, "Question");
        ScoringSchema.CheckTextColumn(inputSchema, Options.LabelColumnName, "Answer");
        var start = ScoringSchema.FindColumn(inputSchema, Options.AnswerStartColumnName, "Answer start");
        if (start.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Answer start column '{Options.AnswerStartColumnName}' must be a scalar; found a {start.Kind}.");
        AnswerRows.CheckStartType(Options.AnswerStartColumnName, start.ItemType);
        static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType type) => new(name, kind, type, false);
        return
        [
            Column(AnswerColumns.PredictedAnswer, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance),
            Column(AnswerColumns.PredictedAnswerStart, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32),
            Column(AnswerColumns.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single),
            Column(AnswerColumns.TopAnswers, SchemaShape.Column.VectorKind.VariableVector, TextDataViewType.Instance),
            Column(AnswerColumns.TopAnswerStarts, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Int32),
            Column(AnswerColumns.TopScores, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single),
        ];
    }

    /// <summary>Trains the question answerer on <paramref name="input"/>.</summary>
    private protected override QuestionAnsweringTransformer FitChecked(IDataView input)
    {
        var rows = AnswerRows.Read(input, Options);
        var validation = Options.ValidationSet is { } v ? AnswerRows.Read(v, Options) : null;
        using var channel = Host.Start("Training");
        var start = EncoderStart.Begin(Host, Options, channel, () => rows.SelectMany(r => new[] { r.Question, r.Context }));
        var settings = new QaSettings(Options.TextColumnName, Options.QuestionColumnName, start.MaxLength,
            Options.Stride, Options.MaxAnswerWords, Options.TopK, Options.ScoringBatchSize);
        var model = new TokenTaggerModel(start.Body, 2, Options.HeadDropout);

        start.Describe("Training a Transformer question answerer: ");
        var training = EncoderStart.MaximizingMetric(Options.Training); // the validation metric is token F1
        var result = new QaTraining(model, start.Tokenizer, settings, training, start.Log).Run(rows, validation);
        return new QuestionAnsweringTransformer(Host, model, start.Tokenizer, settings) { TrainingHistory = result.History };
    }
}
