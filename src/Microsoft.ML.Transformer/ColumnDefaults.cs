namespace Microsoft.ML.Transformer;

/// <summary>
/// The default column names of this library's components, each defined here once: the options, the catalog methods
/// and the evaluators that read a component's columns all default to these. It sits at the root of the library
/// because both the ML.NET components and the evaluators use it.
/// </summary>
public static class ColumnDefaults
{
    /// <summary>The text a component reads: the classifier, regressor, entity tagger, pretraining, embeddings and attention weights.</summary>
    public const string Text = "Text";

    /// <summary>The label a trainer learns, and an evaluator compares its predictions with: classifier, regressor, entity tagger.</summary>
    public const string Label = "Label";

    /// <summary>The text a text generator generates from.</summary>
    public const string Source = "Source";

    /// <summary>The text a text generator learns to generate, and the reference its output is evaluated against.</summary>
    public const string Target = "Target";

    /// <summary>The text a text generator adds.</summary>
    public const string Generated = "Generated";

    /// <summary>The text a question answerer's answers are spans of.</summary>
    public const string Context = "Context";

    /// <summary>The question a question answerer answers.</summary>
    public const string Question = "Question";

    /// <summary>The answer's text in a question answerer's training rows, and the reference its answers are evaluated against.</summary>
    public const string Answer = "Answer";

    /// <summary>The index of the answer's first character in the context, in a question answerer's training rows.</summary>
    public const string AnswerStart = "AnswerStart";
}
