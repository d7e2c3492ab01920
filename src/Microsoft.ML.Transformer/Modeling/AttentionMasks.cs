using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Which keys each query may see, in the form scaled_dot_product_attention takes: either the causal flag alone
/// (the kernel's fastest path) or an additive mask, 0 where allowed and a large negative number where not.
/// TorchSharp's kernel refuses a mask together with the causal flag, so when both apply they are merged into the mask.
/// </summary>
internal readonly record struct AttentionMask(Tensor? Additive, bool IsCausal)
{
    /// <summary>
    /// The same restrictions in raw form, for attention variants that do not take an additive mask (see
    /// <see cref="AttentionVariant"/>): padded keys, bool [B, Tk] (true = padding), or null.
    /// </summary>
    public Tensor? KeyPadding { get; init; }

    /// <summary>Whether query i (at position <see cref="QueryOffset"/> + i) sees only keys at positions ≤ its own.</summary>
    public bool Causal { get; init; }

    /// <summary>The position of the first query among the keys (the cached length while decoding step by step).</summary>
    public long QueryOffset { get; init; }

    /// <summary>Every query sees every key.</summary>
    public static AttentionMask None => default;

    /// <summary>
    /// The mask as an explicit additive tensor broadcastable to [B, H, Tq, Tk] (for the written-out path that
    /// records attention weights), or null when nothing is masked.
    /// </summary>
    public Tensor? Materialize(long queryLength, long keyLength, ScalarType dtype, Device device) =>
        IsCausal ? AttentionMasks.Causal(queryLength, keyLength, 0, dtype, device) : Additive;
}

/// <summary>
/// Builds masks once per forward pass; every layer of a stack shares them. Padding masks are bool [B, T] with
/// true = padding.
/// </summary>
/// <remarks>
/// Masked scores get −1e9 rather than −∞: a query that may see no key at all (a row that is all padding, or a
/// left-padded position under the causal mask) then gets finite, uniform weights instead of the NaN that softmax
/// of a row of −∞ gives. Such rows are padding, so their outputs are never used; they only must not poison the
/// batch. For every other row exp(−1e9 − max) is exactly 0, so masked keys get weight 0.
/// </remarks>
internal static class AttentionMasks
{
    /// <summary>The score added to forbidden query/key pairs.</summary>
    public const double Forbidden = -1e9;

    // Forbidden as a Scalar that lives as long as the process (see Scalars).
    private static readonly Scalar ForbiddenValue = Forbidden;

    /// <summary>Encoder self-attention and cross-attention: hide padded keys. [B, S] → [B, 1, 1, S].</summary>
    public static AttentionMask KeyPadding(Tensor? keyPadding, ScalarType dtype) =>
        keyPadding is null
            ? AttentionMask.None
            : new AttentionMask(Additive(keyPadding, dtype).unsqueeze(1).unsqueeze(1), false) { KeyPadding = keyPadding };

    /// <summary>
    /// Decoder self-attention over keys 0 … offset + Tq − 1 for queries at positions offset … offset + Tq − 1:
    /// hide future keys and padded keys. <paramref name="keyPadding"/> is [B, offset + Tq] or null.
    /// </summary>
    public static AttentionMask CausalWithPadding(Tensor? keyPadding, long queryLength, long offset, ScalarType dtype, Device device) =>
        FusedCausalWithPadding(keyPadding, queryLength, offset, dtype, device) with { KeyPadding = keyPadding, Causal = true, QueryOffset = offset };

    private static AttentionMask FusedCausalWithPadding(Tensor? keyPadding, long queryLength, long offset, ScalarType dtype, Device device)
    {
        long keyLength = offset + queryLength;
        if (keyPadding is null)
        {
            // The kernel's causal flag aligns the diagonal top-left, right only when queries start at key 0.
            // One query at the end (a cached step) sees every key: no mask at all.
            if (offset == 0) return new AttentionMask(null, true);
            return queryLength == 1 ? AttentionMask.None : new AttentionMask(Causal(queryLength, keyLength, offset, dtype, device), false);
        }
        var padding = Additive(keyPadding, dtype).unsqueeze(1).unsqueeze(1);        // [B, 1, 1, Tk]
        if (queryLength == 1) return new AttentionMask(padding, false);
        return new AttentionMask(padding.Plus(Causal(queryLength, keyLength, offset, dtype, device)), false); // [B, 1, Tq, Tk]
    }

    /// <summary>Additive causal mask [Tq, Tk]: query i (at position offset + i) sees keys j ≤ offset + i.</summary>
    public static Tensor Causal(long queryLength, long keyLength, long offset, ScalarType dtype, Device device)
    {
        var query = Scalars.Range(offset, offset + queryLength, device).unsqueeze(1);  // [Tq, 1]
        var key = Scalars.Range(keyLength, device).unsqueeze(0);                      // [1, Tk]
        return Additive(key > query, dtype);
    }

    /// <summary>bool (true = forbidden) → 0 / −1e9 in <paramref name="dtype"/>.</summary>
    public static Tensor Additive(Tensor forbidden, ScalarType dtype) =>
        zeros(forbidden.shape, dtype, forbidden.device).FilledWhere(forbidden, ForbiddenValue);
}
