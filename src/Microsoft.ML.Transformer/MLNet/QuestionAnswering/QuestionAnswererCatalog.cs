using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's Transformer question answerer on <c>mlContext.MulticlassClassification.Trainers</c>, where ML.NET keeps its own question answering.</summary>
public static class QuestionAnswererCatalog
{
    /// <summary>
    /// A Transformer question answerer (extractive): reads <paramref name="contextColumnName"/> and
    /// <paramref name="questionColumnName"/>, learns the answer spans training rows give (their text in
    /// <paramref name="answerColumnName"/>, their first character in <paramref name="answerStartColumnName"/>), and adds
    /// the best answer, its start and score, and the top answers (see <see cref="AnswerColumns"/>).
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="contextColumnName">The context (text) answers are spans of.</param>
    /// <param name="questionColumnName">The question (text).</param>
    /// <param name="answerColumnName">The answer's text in training rows.</param>
    /// <param name="answerStartColumnName">The index of the answer's first character in the context, in training rows.</param>
    /// <param name="epochs">Passes over the training data; null keeps the default of <see cref="EncoderHeadOptions.Training"/>.</param>
    /// <param name="maxLength">The tokens of one window, question included; null keeps the default of <see cref="EncoderHeadOptions.Tokenizer"/>.</param>
    /// <param name="topK">How many answers the top-answer columns hold; null keeps the default of <see cref="QuestionAnsweringOptions.TopK"/>.</param>
    public static QuestionAnsweringEstimator TransformerQuestionAnswerer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string contextColumnName = ColumnDefaults.Context, string questionColumnName = ColumnDefaults.Question,
        string answerColumnName = ColumnDefaults.Answer,
        string answerStartColumnName = ColumnDefaults.AnswerStart, int? epochs = null, int? maxLength = null, int? topK = null)
    {
        var options = new QuestionAnsweringOptions
        {
            TextColumnName = contextColumnName,
            QuestionColumnName = questionColumnName,
            LabelColumnName = answerColumnName,
            AnswerStartColumnName = answerStartColumnName,
        };
        if (epochs is { } e) options.Training.Epochs = e;
        if (maxLength is { } m) options.Tokenizer.MaxLength = m;
        if (topK is { } k) options.TopK = k;
        return TransformerQuestionAnswerer(catalog, options);
    }

    /// <summary>A Transformer question answerer, with every option.</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="options">Columns, network, tokenizer, windows, training, fine-tuning and device options.</param>
    public static QuestionAnsweringEstimator TransformerQuestionAnswerer(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        QuestionAnsweringOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
