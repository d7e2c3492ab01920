namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>Which tokens survive when a text has more tokens than the maximum length.</summary>
public enum TruncationSide
{
    /// <summary>Keep the first tokens, drop the end (the usual choice for classification).</summary>
    KeepHead = 0,

    /// <summary>Keep the last tokens, drop the beginning (e.g. when the end of a conversation matters most).</summary>
    KeepTail = 1,
}
