using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Sliding-window (local) attention with a few global tokens (<see cref="AttentionVariant.SlidingWindow"/>).
/// Query i sees key j when |i − j| ≤ w (a decoder: 0 ≤ i − j ≤ w), or when either of them is one of the first G
/// positions (global tokens); causal and padding masks then remove what they forbid.
/// </summary>
/// <remarks>
/// A banded mask over full attention gives the same numbers but still computes all T² scores. The blockwise form
/// cuts the sequence into chunks of w queries; a chunk's keys are the window that covers all of its queries
/// (the previous, own and next chunk: 3w keys, or 2w when causal) plus the G global keys, so the work is
/// T·(3w + G) scores instead of T², and the G global queries attend over all T keys separately.
/// </remarks>
internal static class SlidingWindowAttention
{
    /// <summary>Whether <see cref="Blockwise"/> applies: self-attention of a whole sequence from position 0, with a known mask.</summary>
    public static bool CanBlock(Tensor q, Tensor k, AttentionMask mask) =>
        q.shape[2] == k.shape[2] && mask.QueryOffset == 0 && (mask.Additive is null || mask.KeyPadding is not null);

    /// <summary>
    /// The variant as an additive mask over full attention, [Tq, Tk] or [B, 1, Tq, Tk]: for cached decoding steps,
    /// for recording probabilities, and as the tests' second opinion. Queries sit at positions QueryOffset ….
    /// </summary>
    public static AttentionMask Banded(AttentionMask mask, long queryLength, long keyLength, long window, long globals, ScalarType dtype, Device device)
    {
        var i = Scalars.Range(mask.QueryOffset, mask.QueryOffset + queryLength, device).unsqueeze(1);  // [Tq, 1]
        var j = Scalars.Range(keyLength, device).unsqueeze(0);                                         // [1, Tk]
        var distance = i - j;                                                                          // [Tq, Tk]
        var near = mask.Causal ? distance.IsAtLeast(0).logical_and(distance.IsAtMost(window)) : distance.abs().IsAtMost(window);
        var allowed = near.logical_or(j.IsBelow(globals)).logical_or(i.IsBelow(globals));
        var band = AttentionMasks.Additive(allowed.logical_not(), dtype);                             // [Tq, Tk]
        // The original mask (causal and/or padding, additive or the causal flag) still applies on top of the band.
        var original = mask.Additive ?? (mask.IsCausal ? AttentionMasks.Causal(queryLength, keyLength, 0, dtype, device) : null);
        return new AttentionMask(original is null ? band : band.Plus(original), false)
        {
            KeyPadding = mask.KeyPadding, Causal = mask.Causal, QueryOffset = mask.QueryOffset,
        };
    }

    /// <summary>q, k, v [B, H, T, Dh] (self-attention, queries from position 0) → [B, H, T, Dh], in linear time.</summary>
    public static Tensor Blockwise(Tensor q, Tensor k, Tensor v, AttentionMask mask, long window, long globals, double dropout)
    {
        var (b, h, t, dh) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]);
        bool causal = mask.Causal || mask.IsCausal;
        long w = window, g = Math.Min(globals, t);
        long n = (t + w - 1) / w, tp = n * w;              // chunks, padded length
        long left = w, right = causal ? 0 : w, span = left + w + right;
        var device = q.device;

        // Keys and values padded in time so that chunk c's window starts at padded index c·w: positions c·w − w ….
        var kw = nn.functional.pad(k, [0, 0, left, tp - t + right]).unfold(2, span, w);                  // [B, H, N, Dh, span]
        var vw = nn.functional.pad(v, [0, 0, left, tp - t + right]).unfold(2, span, w).transpose(-1, -2); // [B, H, N, span, Dh]
        var qc = nn.functional.pad(q.Times(1.0 / Math.Sqrt(dh)), [0, 0, 0, tp - t]).view(b, h, n, w, dh);  // [B, H, N, w, Dh]
        var local = qc.matmul(kw).to(ScalarType.Float32);                                                // [B, H, N, w, span]

        // Which window slots a query may see. Relative offset i − j = a − s + left for query a and slot s of a chunk.
        var a = Scalars.Range(w, device).unsqueeze(1);                                                   // [w, 1]
        var s = Scalars.Range(span, device).unsqueeze(0);                                                // [1, span]
        var rel = (a - s).Plus(left);                                                                     // [w, span]
        var near = causal ? rel.IsAtLeast(0).logical_and(rel.IsAtMost(w)) : rel.abs().IsAtMost(w);
        // Slot s of chunk c is position c·w − left + s; it must exist and not be a global key (counted below).
        var position = Scalars.Range(n, device).Times(w).unsqueeze(1).Minus(left).Plus(s);                 // [N, span]
        var exists = position.IsAtLeast(g).logical_and(position.IsBelow(t));
        var allowed = near.unsqueeze(0).logical_and(exists.unsqueeze(1));                                // [N, w, span]
        Tensor forbidden = allowed.logical_not().unsqueeze(0);                                           // [1, N, w, span]
        if (mask.KeyPadding is not null)
        {
            var padded = nn.functional.pad(mask.KeyPadding.to(ScalarType.Float32), [left, tp - t + right], value: 1);
            var slotPadding = padded.unfold(1, span, w).to(ScalarType.Bool);                             // [B, N, span]
            forbidden = forbidden.logical_or(slotPadding.unsqueeze(2));                                  // [B, N, w, span]
        }
        var scores = local.PlusInPlace(AttentionMasks.Additive(forbidden, ScalarType.Float32).unsqueeze(1));    // [B, H, N, w, span]

        Tensor? globalValues = null;
        if (g > 0)
        {
            // Every query also sees the global keys; under a causal mask they precede every non-global query.
            var gk = k.narrow(2, 0, g).transpose(-1, -2).unsqueeze(2);                                   // [B, H, 1, Dh, G]
            var globalScores = qc.matmul(gk).to(ScalarType.Float32);                                     // [B, H, N, w, G]
            if (mask.KeyPadding is not null)
                globalScores = globalScores.PlusInPlace(GlobalPadding(mask.KeyPadding, g).view(b, 1, 1, 1, g));
            scores = cat([globalScores, scores], -1);                                                    // [B, H, N, w, G + span]
            globalValues = v.narrow(2, 0, g).unsqueeze(2);                                               // [B, H, 1, G, Dh]
        }
        var p = Dropout(scores.softmax(-1), dropout).to(v.dtype);
        var attended = p.narrow(-1, g, span).matmul(vw);                                                 // [B, H, N, w, Dh]
        if (globalValues is not null) attended = attended.Plus(p.narrow(-1, 0, g).matmul(globalValues));
        var output = attended.reshape(b, h, tp, dh).narrow(2, 0, t);                                     // [B, H, T, Dh]
        if (g == 0) return output;

        // Global queries see every key their mask allows: full attention for G rows, O(G·T).
        var qg = q.narrow(2, 0, g).Times(1.0 / Math.Sqrt(dh));                                           // [B, H, G, Dh]
        var globalRows = qg.matmul(k.transpose(-2, -1)).to(ScalarType.Float32);                          // [B, H, G, T]
        if (causal) globalRows = globalRows.PlusInPlace(AttentionMasks.Causal(g, t, 0, ScalarType.Float32, device));
        if (mask.KeyPadding is not null)
            globalRows = globalRows.PlusInPlace(AttentionMasks.Additive(mask.KeyPadding, ScalarType.Float32).view(b, 1, 1, t));
        var globalOutput = Dropout(globalRows.softmax(-1), dropout).to(v.dtype).matmul(v);               // [B, H, G, Dh]
        return cat([globalOutput, output.narrow(2, g, t - g)], 2);
    }

    // Additive padding of the first g keys: [B, g].
    private static Tensor GlobalPadding(Tensor keyPadding, long g) =>
        AttentionMasks.Additive(keyPadding.narrow(1, 0, g), ScalarType.Float32);

    private static Tensor Dropout(Tensor probabilities, double p) =>
        p > 0 ? nn.functional.dropout(probabilities, p, training: true) : probabilities;
}
