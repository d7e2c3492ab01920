namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// How self-attention (and, where it makes sense, cross-attention) mixes positions. Full attention costs time that
/// grows with the square of the sequence length; the other two grow linearly, which is what long inputs (emails,
/// contracts, logs) need. Every variant respects causal and padding masks.
/// </summary>
public enum AttentionVariant
{
    /// <summary>softmax(QKᵀ/√d)V over every visible key, as in "Attention Is All You Need". Quadratic in length.</summary>
    Full,

    /// <summary>
    /// Sparse, local attention: each query sees the keys at most <see cref="ModelOptions.AttentionWindow"/> positions
    /// away (only earlier ones in a decoder), plus the first <see cref="ModelOptions.GlobalTokens"/> positions (e.g. the
    /// classification token), which also see every position. Computed blockwise, so linear in length. Cross-attention
    /// stays full (source and target positions are not aligned, so "near" means nothing there).
    /// </summary>
    SlidingWindow,

    /// <summary>
    /// Kernel-based linear attention (Katharopoulos et al. 2020): softmax(qkᵀ) is replaced by φ(q)·φ(k) with
    /// φ(x) = elu(x) + 1, so Σ φ(k)vᵀ can be summed once and shared by every query. Linear in length; the causal
    /// form decodes step by step with a constant-size state. Used for self- and cross-attention. Has no attention
    /// probabilities, so <see cref="ModelOptions.AttentionDropout"/> does not apply to it.
    /// </summary>
    Linear,
}
