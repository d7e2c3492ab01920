using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Kernel-based linear attention (<see cref="AttentionVariant.Linear"/>): out_i = Σ_j φ(q_i)·φ(k_j) v_j / Σ_j φ(q_i)·φ(k_j)
/// with φ(x) = elu(x) + 1 (positive, so the normaliser is positive), over the keys j that query i may see.
/// Because φ(q_i) factors out, Σ_j φ(k_j) v_jᵀ is summed once instead of per query pair: linear in length.
/// </summary>
/// <remarks>
/// Values carry an extra column of ones, so one product gives numerator and normaliser together:
/// Σ_j φ(k_j) [v_j, 1]ᵀ is the state [Dh, Dv + 1]. Padded keys get φ(k) = 0 and so add nothing. A query that may see
/// no key at all (a padding row) gets 0 instead of 0/0. Computed in float32 whatever the model's precision: the
/// running sums would lose too much in bfloat16.
/// </remarks>
internal static class LinearAttention
{
    /// <summary>Queries per chunk of the causal form: within a chunk, a small masked product; across chunks, the state.</summary>
    public const long Chunk = 64;

    private const double Epsilon = 1e-6;

    /// <summary>q [B, H, Tq, Dh], k and v [B, H, Tk, Dh] → [B, H, Tq, Dh]. Causal masks need Tq = Tk and queries from position 0.</summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, AttentionMask mask)
    {
        var (fq, fk, va) = Features(q, k, v, mask.KeyPadding);
        if (!(mask.Causal || mask.IsCausal))
        {
            var state = fk.transpose(-2, -1).matmul(va);                 // [B, H, Dh, Dv + 1]
            return Normalise(fq.matmul(state), v.dtype);                 // [B, H, Tq, Dh]
        }
        if (mask.QueryOffset != 0 || q.shape[2] != k.shape[2])
            throw new InvalidOperationException("Causal linear attention over cached keys goes through its state (Step).");
        return Normalise(ChunkedCausal(fq, fk, va), v.dtype);
    }

    /// <summary>
    /// Causal attention of new positions q, k, v [B, H, Tn, Dh] that follow those summed in
    /// <paramref name="state"/> [B, H, Dh, Dh + 1] (float32; updated in place): what decoding step by step needs, with
    /// a state whose size does not grow with the length. <paramref name="newPadding"/> is bool [B, Tn] or null.
    /// </summary>
    public static Tensor Step(Tensor q, Tensor k, Tensor v, Tensor state, Tensor? newPadding)
    {
        var (fq, fk, va) = Features(q, k, v, newPadding);
        var before = fq.matmul(state);                                   // [B, H, Tn, Dv + 1]: earlier positions
        var within = CausalWithin(fq, fk).matmul(va);                    // [B, H, Tn, Dv + 1]: the new positions
        state.PlusInPlace(fk.transpose(-2, -1).matmul(va));
        return Normalise(before.Plus(within), v.dtype);
    }

    /// <summary>A state before any position, [B, H, Dh, Dh + 1].</summary>
    public static Tensor EmptyState(long batch, long heads, long headDimension, Device device) =>
        zeros([batch, heads, headDimension, headDimension + 1], ScalarType.Float32, device);

    // Whole causal sequence [B, H, T, ·] in chunks of C: every chunk starts from the sum of all earlier chunks.
    private static Tensor ChunkedCausal(Tensor fq, Tensor fk, Tensor va)
    {
        var (b, h, t, dh) = (fq.shape[0], fq.shape[1], fq.shape[2], fq.shape[3]);
        long dv = va.shape[3], c = Math.Min(Chunk, t), n = (t + c - 1) / c;
        // Zero rows past the end: φ(k) = 0 there, so they add nothing, and their outputs are cut off.
        Tensor Chunks(Tensor x) => nn.functional.pad(x, [0, 0, 0, n * c - t]).view(b, h, n, c, x.shape[3]);
        var (qc, kc, vc) = (Chunks(fq), Chunks(fk), Chunks(va));         // [B, H, N, C, ·]
        var chunkStates = kc.transpose(-2, -1).matmul(vc);               // [B, H, N, Dh, Dv + 1]
        var before = chunkStates.cumsum(2) - chunkStates;                // sum over earlier chunks only
        var output = qc.matmul(before).Plus(CausalWithin(qc, kc).matmul(vc)); // [B, H, N, C, Dv + 1]
        return output.view(b, h, n * c, dv).narrow(2, 0, t);
    }

    // φ(q)·φ(k) within one block, keeping key ≤ query: [.., C, C].
    private static Tensor CausalWithin(Tensor fq, Tensor fk)
    {
        long c = fq.shape[^2];
        return fq.matmul(fk.transpose(-2, -1)).mul_(ones(c, c, ScalarType.Float32, fq.device).tril());
    }

    private static (Tensor Q, Tensor K, Tensor ValuesWithOne) Features(Tensor q, Tensor k, Tensor v, Tensor? keyPadding)
    {
        var fq = Elu(q.to(ScalarType.Float32)).Plus(Scalars.One);                    // [B, H, Tq, Dh]
        var fk = Elu(k.to(ScalarType.Float32)).Plus(Scalars.One);                    // [B, H, Tk, Dh]
        if (keyPadding is not null) fk = fk.FilledWhere(keyPadding.unsqueeze(1).unsqueeze(-1), Scalars.Zero);
        var v32 = v.to(ScalarType.Float32);
        var va = cat([v32, ones([.. v32.shape[..^1], 1], ScalarType.Float32, v.device)], -1); // [B, H, Tk, Dv + 1]
        return (fq, fk, va);
    }

    // ELU with alpha 1, as nn.functional.elu(x, 1.0) computes it.
    private static Tensor Elu(Tensor x) => x.elu(Scalars.OneDouble, Scalars.OneDouble, Scalars.OneDouble);

    // [.., Dv + 1] → numerator / normaliser [.., Dv] in the model's type.
    private static Tensor Normalise(Tensor sums, ScalarType dtype)
    {
        long dv = sums.shape[^1] - 1;
        return sums.narrow(-1, 0, dv).div(sums.narrow(-1, dv, 1).AtLeast(Epsilon)).to(dtype);
    }
}
