namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>What to do with a row whose text is empty or missing.</summary>
public enum EmptyTextHandling
{
    /// <summary>Skip the row and count it; the count is reported through the log when the pass ends.</summary>
    Skip = 0,

    /// <summary>Throw an error naming the row number and the column.</summary>
    Error = 1,
}
