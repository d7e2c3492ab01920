namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>The names of the columns an entity tagger adds; all are vectors, of one item per word or per entity.</summary>
public static class TaggingColumns
{
    /// <summary>One predicted label per word: a key whose key values are the training labels (<c>MapKeyToValue</c> turns it into text).</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>One text per entity, for people: <c>name "The Eagle" start 4 length 9 score 0.97</c>.</summary>
    public const string Entities = "Entities";

    /// <summary>Per entity, the index of its first character in the text (Int32).</summary>
    public const string EntityStart = "EntityStart";

    /// <summary>Per entity, its length in characters (Int32), from its first word's start to its last word's end.</summary>
    public const string EntityLength = "EntityLength";

    /// <summary>Per entity, its type: its words' label without the <c>B-</c>/<c>I-</c> prefix.</summary>
    public const string EntityType = "EntityType";

    /// <summary>Per entity, its score (Single, in (0, 1]): the mean over its words of the probability of each word's predicted label.</summary>
    public const string EntityScore = "EntityScore";
}
