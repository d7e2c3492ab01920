namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>
/// Everything a Transformer question answerer can be told. It reads a context and a question and answers with a span of
/// the context (extractive question answering); training rows give the answer's text and the index of its first
/// character in the context. Answers are whole words (as <see cref="Tagging.EntityWords.Split"/> cuts them): a gold
/// answer that starts or ends inside a word is learned as the words it touches. The network reads
/// <c>[CLS] question [SEP] context [SEP]</c>; a context longer than a window (the tokenizer's MaxLength, the question
/// included) is read in overlapping windows (see <see cref="Stride"/>) and the best span of any window wins. The
/// validation metric is token F1 (see <see cref="Evaluation.QuestionAnsweringMetrics"/>). The options it shares with the
/// other heads on an encoder, and their defaults, are <see cref="EncoderHeadOptions"/>'s.
/// </summary>
public sealed class QuestionAnsweringOptions : EncoderHeadOptions
{
    /// <summary>The context column: the text answers are spans of. Default <see cref="ColumnDefaults.Context"/>.</summary>
    public override string TextColumnName { get; set; } = ColumnDefaults.Context;

    /// <summary>The question column (text; an empty question is refused). Default <see cref="ColumnDefaults.Question"/>.</summary>
    public string QuestionColumnName { get; set; } = ColumnDefaults.Question;

    /// <summary>The answer column of training rows: the answer's text, as it appears in the context. Default <see cref="ColumnDefaults.Answer"/>.</summary>
    public override string LabelColumnName { get; set; } = ColumnDefaults.Answer;

    /// <summary>
    /// The column of training rows that gives the index of the answer's first character in the context (a whole number:
    /// Int32, Int64, UInt32, Single or Double). Default <see cref="ColumnDefaults.AnswerStart"/>.
    /// </summary>
    public string AnswerStartColumnName { get; set; } = ColumnDefaults.AnswerStart;

    /// <summary>
    /// How many context tokens two consecutive windows of a long context share, so that an answer cut by one window's
    /// end is whole in the next. Default 32 (fewer when a window holds fewer context tokens: windows always move on).
    /// </summary>
    public int Stride { get; set; } = 32;

    /// <summary>The longest answer, in words. Default 30.</summary>
    public int MaxAnswerWords { get; set; } = 30;

    /// <summary>How many answers the top-answer columns hold, best first. Default 3.</summary>
    public int TopK { get; set; } = 3;

    internal override void Validate()
    {
        base.Validate();
        Require.Name(QuestionColumnName, nameof(QuestionColumnName), "a text column");
        Require.Name(AnswerStartColumnName, nameof(AnswerStartColumnName), "the column of the answers' first characters");
        Require.That(Tokenizer.MaxLength >= QaSettings.MinLength, "Tokenizer.MaxLength",
            $"at least {QaSettings.MinLength} (a window holds [CLS] question [SEP] context [SEP])", Tokenizer.MaxLength);
        Require.That(Stride >= 0, nameof(Stride), "at least 0 (context tokens consecutive windows share)", Stride);
        Require.InRange(MaxAnswerWords, 1, 10_000, nameof(MaxAnswerWords));
        Require.InRange(TopK, 1, 1_000, nameof(TopK));
    }
}
