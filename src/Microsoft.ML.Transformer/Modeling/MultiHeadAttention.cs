using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Multi-head scaled dot-product attention, batch-first. Self-attention projects Q, K and V with one fused
/// [D → 3D] matrix (one large product instead of three small ones); cross-attention projects Q from the decoder
/// and K, V with one fused [D → 2D] matrix from the encoder memory, so a decoder can compute them once per source.
/// </summary>
internal sealed class MultiHeadAttention : nn.Module
{
    private readonly Projection? qkv;   // self-attention:  [D] → [3D]
    private readonly Projection? query; // cross-attention: [D] → [D]
    private readonly Projection? kv;    // cross-attention: [D] → [2D]
    private readonly Projection output; // [D] → [D], back into the residual stream
    private readonly long heads;
    private readonly long headDimension;
    private readonly double dropout;
    private readonly AttentionVariant variant; // full in cross-attention when the model's is a sliding window
    private readonly long window;
    private readonly long globals;
    private readonly RotaryPositions? rotary; // self-attention with rotary positions: rotates queries and keys

    public MultiHeadAttention(ModelOptions options, bool isCross) : base(nameof(MultiHeadAttention))
    {
        long d = options.ModelDimension;
        heads = options.Heads;
        headDimension = options.HeadDimension;
        dropout = options.AttentionDropout;
        variant = isCross && options.Attention == AttentionVariant.SlidingWindow ? AttentionVariant.Full : options.Attention;
        window = options.AttentionWindow;
        globals = options.GlobalTokens;
        if (isCross)
        {
            query = new Projection(d, d);
            kv = new Projection(d, 2 * d);
        }
        else
        {
            qkv = new Projection(d, 3 * d);
            // Cross-attention keys are encoder positions, unrelated to the decoder's: rotary applies to self-attention only.
            if (options.PositionalEncoding == PositionalEncoding.Rotary) rotary = new RotaryPositions(headDimension);
        }
        output = new Projection(d, d);
        RegisterComponents();
    }

    /// <summary>The projection writing into the residual stream (scaled down at initialisation).</summary>
    public Projection Output => output;

    /// <summary>Self-attention of x [B, T, D] → [B, T, D]. <paramref name="record"/> receives the probabilities.</summary>
    public Tensor SelfAttention(Tensor x, AttentionMask mask, Action<Tensor>? record = null)
    {
        var (q, k, v) = ProjectSelf(x, 0);
        return Attend(q, k, v, mask, record);
    }

    /// <summary>
    /// Self-attention over a padded batch given only its real positions, packed: x [N, D] → [N, D] (see
    /// <see cref="PackedPositions"/>). The projections run on the N real rows only; attention itself runs on the
    /// padded layout (zero rows at the padding, whose keys the mask hides).
    /// </summary>
    public Tensor PackedSelfAttention(Tensor x, PackedPositions packing, AttentionMask mask)
    {
        var (q, k, v) = SplitSelf(packing.Unpack(qkv!.forward(x)), 0);                        // 3 × [B, H, T, Dh]
        return output.forward(packing.Pack(MergedHeads(Heads(q, k, v, mask, null))));          // [N, D]
    }

    /// <summary>
    /// Attention of the real positions x [N, D] of a padded batch over the encoder memory [B, S, D] → [N, D] (see
    /// <see cref="PackedPositions"/>).
    /// </summary>
    public Tensor PackedCrossAttention(Tensor x, PackedPositions packing, Tensor memory, AttentionMask mask)
    {
        var (k, v) = ProjectMemory(memory);
        var q = SplitHeads(packing.Unpack(query!.forward(x)));                                  // [B, H, T, Dh]
        return output.forward(packing.Pack(MergedHeads(Heads(q, k, v, mask, null))));          // [N, D]
    }

    /// <summary>Attention of x [B, T, D] over the encoder memory [B, S, D] → [B, T, D].</summary>
    public Tensor CrossAttention(Tensor x, Tensor memory, AttentionMask mask, Action<Tensor>? record = null)
    {
        var (k, v) = ProjectMemory(memory);
        return Attend(SplitHeads(query!.forward(x)), k, v, mask, record);
    }

    /// <summary>Keys and values of the encoder memory [B, S, D] → two [B, H, S, Dh], for a decoding cache.</summary>
    public (Tensor Keys, Tensor Values) ProjectMemory(Tensor memory)
    {
        var (b, s) = (memory.shape[0], memory.shape[1]);
        var parts = kv!.forward(memory).view(b, s, 2, heads, headDimension).permute(2, 0, 3, 1, 4).unbind(0); // 2 × [B, H, S, Dh]
        return (parts[0], parts[1]);
    }

    /// <summary>
    /// Self-attention of new positions x [B, Tn, D] that follow <paramref name="length"/> cached ones: their keys and
    /// values are written into the preallocated buffers [B, H, Tmax, Dh] at length …, then the queries attend over
    /// positions 0 … length + Tn − 1. Linear attention keeps no keys: it updates its <paramref name="linearState"/>.
    /// </summary>
    public Tensor CachedSelfAttention(Tensor x, Tensor keyBuffer, Tensor valueBuffer, long length, AttentionMask mask, Tensor? linearState = null)
    {
        var (q, k, v) = ProjectSelf(x, length);
        long n = x.shape[1];
        if (linearState is not null)
            return MergeHeads(LinearAttention.Step(q, k, v, linearState, mask.KeyPadding?.narrow(1, length, n)));
        keyBuffer.narrow(2, length, n).copy_(k);
        valueBuffer.narrow(2, length, n).copy_(v);
        return Attend(q, keyBuffer.narrow(2, 0, length + n), valueBuffer.narrow(2, 0, length + n), mask, null);
    }

    /// <summary>Cross-attention of x [B, T, D] over keys and values already projected by <see cref="ProjectMemory"/>.</summary>
    public Tensor CachedCrossAttention(Tensor x, Tensor keys, Tensor values, AttentionMask mask) =>
        Attend(SplitHeads(query!.forward(x)), keys, values, mask, null);

    // x [B, T, D] at positions offset … offset + T − 1 → Q, K, V, each [B, H, T, Dh].
    private (Tensor Q, Tensor K, Tensor V) ProjectSelf(Tensor x, long offset) => SplitSelf(qkv!.forward(x), offset);

    // The fused projection [B, T, 3D] → Q, K, V, each [B, H, T, Dh] (rotated when positions are rotary).
    private (Tensor Q, Tensor K, Tensor V) SplitSelf(Tensor projected, long offset)
    {
        var (b, t) = (projected.shape[0], projected.shape[1]);
        // Views: [B, T, 3D] → [B, T, 3, H, Dh] → [3, B, H, T, Dh]; no copy.
        var parts = projected.view(b, t, 3, heads, headDimension).permute(2, 0, 3, 1, 4).unbind(0);
        if (rotary is null) return (parts[0], parts[1], parts[2]);
        return (rotary.Apply(parts[0], offset), rotary.Apply(parts[1], offset), parts[2]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rotary?.Dispose();
        base.Dispose(disposing);
    }

    // [B, T, D] → [B, H, T, Dh]
    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headDimension).transpose(1, 2);

    private Tensor Attend(Tensor q, Tensor k, Tensor v, AttentionMask mask, Action<Tensor>? record) =>
        MergeHeads(Heads(q, k, v, mask, record));

    // q [B, H, Tq, Dh], k and v [B, H, Tk, Dh] → the heads' outputs [B, H, Tq, Dh].
    private Tensor Heads(Tensor q, Tensor k, Tensor v, AttentionMask mask, Action<Tensor>? record)
    {
        // Dropout only while training: the kernel drops whenever p > 0.
        double p = training ? dropout : 0.0;
        if (variant == AttentionVariant.Linear)
        {
            if (record is not null) throw new NotSupportedException("Linear attention has no attention probabilities to record.");
            return LinearAttention.Attend(q, k, v, mask);
        }
        if (variant == AttentionVariant.SlidingWindow)
        {
            if (record is null && SlidingWindowAttention.CanBlock(q, k, mask))
                return SlidingWindowAttention.Blockwise(q, k, v, mask, window, globals, p);
            // Cached steps and recording: the same band as a mask over full attention.
            mask = SlidingWindowAttention.Banded(mask, q.shape[2], k.shape[2], window, globals, q.dtype, q.device);
        }
        // One bfloat16 query per row (a cached decoding step): there the fused kernel is slower than two small products
        // (docs/RESULTS.md); in float32 the two are level.
        if (record is null && p == 0 && q.dtype == ScalarType.BFloat16 && q.shape[2] == 1 && (!mask.IsCausal || k.shape[2] == 1))
            return SingleQuery(q, k, v, mask.Additive);
        // Without dropout the fused kernel is the fastest form. With dropout the CPU kernel falls back to a general
        // path that the written-out form beats, so training uses the written-out form then.
        return record is null && p == 0
            ? nn.functional.scaled_dot_product_attention(q, k, v, mask.Additive, 0, mask.IsCausal) // fused kernel
            : WrittenOut(q, k, v, mask, p, record);
    }

    // Merge heads, then project.
    private Tensor MergeHeads(Tensor attended) => output.forward(MergedHeads(attended));

    // [B, H, Tq, Dh] → [B, Tq, H, Dh] → [B, Tq, D]: the one copy attention needs.
    private Tensor MergedHeads(Tensor attended) =>
        attended.transpose(1, 2).reshape(attended.shape[0], attended.shape[2], heads * headDimension);

    // q [B, H, 1, Dh] over k, v [B, H, Tk, Dh] → [B, H, 1, Dh]; the mask [B, 1, 1, Tk] or null (one query sees every
    // earlier key, so only padding is masked). Probabilities in float32, as in the fused kernel.
    private static Tensor SingleQuery(Tensor q, Tensor k, Tensor v, Tensor? additive)
    {
        // k qᵀ (matrix times vector) then a free transpose: q kᵀ would read the cache's keys transposed, which bfloat16
        // products do slowly (docs/RESULTS.md).
        var scores = k.matmul(q.Times(1.0 / Math.Sqrt(q.shape[3])).transpose(-2, -1)).transpose(-2, -1); // [B, H, 1, Tk]
        if (additive is not null) scores = scores.PlusInPlace(additive);                    // in place: scores is ours
        var probabilities = scores.softmax(-1, ScalarType.Float32);
        return probabilities.to(v.dtype).matmul(v);
    }

    // softmax(QKᵀ/√Dh + mask) V with the probabilities in float32, handed to the recorder before dropout.
    private static Tensor WrittenOut(Tensor q, Tensor k, Tensor v, AttentionMask mask, double p, Action<Tensor>? record)
    {
        var scaled = q.Times(1.0 / Math.Sqrt(q.shape[3]));                                 // scale the smaller operand
        var scores = scaled.matmul(k.transpose(-2, -1)).to(ScalarType.Float32);            // [B, H, Tq, Tk]
        var additive = mask.Materialize(q.shape[2], k.shape[2], ScalarType.Float32, q.device);
        if (additive is not null) scores = scores.PlusInPlace(additive);                    // in place: scores is ours
        var probabilities = scores.softmax(-1);
        record?.Invoke(probabilities);
        probabilities = Dropout.Apply(probabilities, p, training: true);
        return probabilities.to(v.dtype).matmul(v); // [B, H, Tq, Dh]
    }
}
