using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// The state of incremental decoding: per decoder layer, preallocated self-attention key/value buffers
/// [B, H, Tmax, Dh] filled one step at a time (no re-allocation, no concatenation), and the cross-attention keys and
/// values [B, H, S, Dh] of the encoder memory, computed once. Made by <see cref="TextNetwork.StartDecoding"/>.
/// </summary>
/// <remarks>
/// The cache outlives the dispose scopes of the steps that fill it: its tensors are detached from every scope when
/// made and freed by <see cref="Dispose"/>. Steps write into the buffers in place.
/// </remarks>
internal sealed class DecoderCache : IDisposable
{
    internal DecoderCache(Tensor[] keys, Tensor[] values, Tensor?[] crossKeys, Tensor?[] crossValues, Tensor? crossMask,
        Tensor? crossKeyPadding = null, Tensor?[]? linearStates = null)
    {
        LinearStates = Own(linearStates ?? new Tensor?[keys.Length]);
        Keys = Own(keys);
        Values = Own(values);
        CrossKeys = Own(crossKeys);
        CrossValues = Own(crossValues);
        CrossMask = crossMask is null ? null : Own(crossMask);
        CrossKeyPadding = crossKeyPadding is null ? null : Own(crossKeyPadding);
    }

    /// <summary>Self-attention keys per layer, [B, H, Tmax, Dh]; positions ≥ <see cref="Length"/> are unused.</summary>
    internal Tensor[] Keys { get; }

    /// <summary>Self-attention values per layer, [B, H, Tmax, Dh].</summary>
    internal Tensor[] Values { get; }

    /// <summary>
    /// With <see cref="AttentionVariant.Linear"/>: per layer, the running sum Σ φ(k)[v, 1]ᵀ [B, H, Dh, Dh + 1] that
    /// replaces the keys and values (whose buffers then have width 0), so the state does not grow with length.
    /// </summary>
    internal Tensor?[] LinearStates { get; }

    /// <summary>Cross-attention keys per layer, [B, H, S, Dh]; null entries in a decoder-only model.</summary>
    internal Tensor?[] CrossKeys { get; }

    /// <summary>Cross-attention values per layer, [B, H, S, Dh].</summary>
    internal Tensor?[] CrossValues { get; }

    /// <summary>The additive source-padding mask of cross-attention, [B, 1, 1, S], made once; or null.</summary>
    internal Tensor? CrossMask { get; private set; }

    /// <summary>The same source padding raw, bool [B, S] (true = padding), for attention variants that take it so; or null.</summary>
    internal Tensor? CrossKeyPadding { get; private set; }

    /// <summary>Target padding seen so far, bool [B, Tmax] (true = padding), or null while no prompt had any.</summary>
    internal Tensor? Padding { get; set; }

    /// <summary>Number of positions decoded so far (the next token's position).</summary>
    public long Length { get; internal set; }

    /// <summary>The most positions this cache holds.</summary>
    public long Capacity => Keys.Length > 0 ? Keys[0].shape[2] : 0;

    /// <summary>Number of sequences decoded side by side.</summary>
    public long BatchSize => Keys.Length > 0 ? Keys[0].shape[0] : 0;

    /// <summary>The element type of the buffers (the model's compute precision when the cache was made).</summary>
    internal ScalarType DType => Keys[0].dtype;

    /// <summary>
    /// Keeps, in the given order, the sequences at <paramref name="batchIndices"/> (int64 [B']): what beam search needs
    /// after choosing which hypotheses survive. B' may differ from B (e.g. expanding each source to k beams).
    /// </summary>
    /// <param name="batchIndices">int64 [B'], indices into the current rows.</param>
    /// <param name="sourcesUnchanged">
    /// True when row i afterwards comes from a row of the same source as row i before (beam search permuting the beams
    /// of sources that all go on): the cross-attention state, equal over a source's rows, then stays as it is.
    /// </param>
    public void Reorder(Tensor batchIndices, bool sourcesUnchanged = false)
    {
        using var noGrad = no_grad();
        using var index = batchIndices.to(ScalarType.Int64).to(Keys[0].device);
        if (index.shape[0] == BatchSize)
        {
            // Same batch size (a beam step): permute in place, and only the positions filled so far, instead of
            // allocating fresh full-capacity buffers at every step (page faults of megabytes of new memory).
            foreach (var buffer in Keys.Concat(Values).Where(b => b.shape[3] > 0))
            {
                using var used = buffer.narrow(2, 0, Length);                              // [B, H, T, Dh]
                PermuteInPlace(used, index);
            }
            foreach (var state in LinearStates.OfType<Tensor>())
                PermuteInPlace(state, index);
        }
        else
        {
            Replace(Keys, index);
            Replace(Values, index);
            Replace(LinearStates, index);
        }
        Padding = Select(Padding, index);
        if (sourcesUnchanged)
            return;
        Replace(CrossKeys, index);
        Replace(CrossValues, index);
        CrossMask = Select(CrossMask, index);
        CrossKeyPadding = Select(CrossKeyPadding, index);
    }

    /// <summary>Frees every buffer.</summary>
    public void Dispose()
    {
        foreach (var t in Keys.Concat(Values).Concat(CrossKeys).Concat(CrossValues).Concat(LinearStates).Append(CrossMask).Append(CrossKeyPadding).Append(Padding))
            t?.Dispose();
    }

    /// <summary>Takes ownership of a tensor made inside some caller's dispose scope.</summary>
    internal static Tensor Own(Tensor t) => t.DetachFromDisposeScope();

    private static T[] Own<T>(T[] ts) where T : Tensor?
    {
        foreach (var t in ts) t?.DetachFromDisposeScope();
        return ts;
    }

    private static void PermuteInPlace(Tensor t, Tensor index)
    {
        using var permuted = t.index_select(0, index);
        t.copy_(permuted);
    }

    private static void Replace(Tensor?[] buffers, Tensor index)
    {
        for (int i = 0; i < buffers.Length; i++)
            buffers[i] = Select(buffers[i], index);
    }

    private static Tensor? Select(Tensor? t, Tensor index)
    {
        if (t is null) return null;
        var selected = Own(t.index_select(0, index));
        t.Dispose();
        return selected;
    }
}
