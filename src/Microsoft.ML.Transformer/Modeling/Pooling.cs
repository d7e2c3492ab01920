namespace Microsoft.ML.Transformer.Modeling;

/// <summary>How a sequence of hidden states becomes one vector (for classification and embeddings).</summary>
public enum Pooling
{
    /// <summary>The mean over the non-padding positions. Robust; the default.</summary>
    Mean,

    /// <summary>The first position (a classification token, as BERT does).</summary>
    FirstToken,

    /// <summary>The last non-padding position: the only one a causal (decoder-only) model lets see the whole text.</summary>
    LastToken,
}
