namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>The names of the columns a question answerer adds: the best answer, and the top answers as vectors.</summary>
public static class AnswerColumns
{
    /// <summary>The best answer (text): a span of the context, empty when the context has no word.</summary>
    public const string PredictedAnswer = "PredictedAnswer";

    /// <summary>The index of the best answer's first character in the context (Int32); -1 when there is no answer.</summary>
    public const string PredictedAnswerStart = "PredictedAnswerStart";

    /// <summary>
    /// The best answer's score (Single, in [0, 1]): the probability the network gives its first word as the start and its
    /// last word as the end, in the window of the context it was read in; 0 when there is no answer.
    /// </summary>
    public const string Score = "Score";

    /// <summary>The top answers (vector of text), best first; as many as the options' TopK asks for, fewer when the context has fewer spans.</summary>
    public const string TopAnswers = "TopAnswers";

    /// <summary>The first character of each top answer in the context (vector of Int32).</summary>
    public const string TopAnswerStarts = "TopAnswerStarts";

    /// <summary>The score of each top answer (vector of Single).</summary>
    public const string TopScores = "TopScores";
}
