using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Rotary position embedding (RoFormer): each query and key vector of a head is split into Dh/2 pairs, and pair i at
/// position p is rotated by the angle p·θᵢ, θᵢ = 10000^(−2i/Dh). The dot product of a query at m and a key at n then
/// depends on m − n only, so attention sees relative positions, and nothing is added to the token embeddings.
/// Pairs are (i, i + Dh/2), the "rotate half" layout: two narrows instead of a strided interleave.
/// </summary>
/// <remarks>
/// The angles are a formula, not state: the cos/sin table is computed (in float64, then cast) for the positions asked
/// for and kept for later calls, grown when a longer sequence comes (extrapolation) and per element type and device.
/// It belongs to no dispose scope; the attention module that owns it frees it.
/// </remarks>
internal sealed class RotaryPositions : IDisposable
{
    private readonly long headDimension;
    private readonly object gate = new();
    private (Tensor Cos, Tensor Sin)? table; // each [L, Dh/2], in the type and on the device of the last use

    public RotaryPositions(long headDimension)
    {
        if (headDimension % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(headDimension), headDimension,
                $"Rotary positions rotate pairs of features: the head dimension (ModelDimension / Heads = {headDimension}) must be even.");
        this.headDimension = headDimension;
    }

    /// <summary>Rotates x [B, H, T, Dh] whose positions are offset … offset + T − 1; same shape back.</summary>
    public Tensor Apply(Tensor x, long offset)
    {
        long length = x.shape[2], half = headDimension / 2;
        var (cos, sin) = Angles(offset, length, x.dtype, x.device);               // [T, Dh/2], broadcast over B, H
        var first = x.narrow(-1, 0, half);                                        // [B, H, T, Dh/2]
        var second = x.narrow(-1, half, half);
        return cat([first * cos - second * sin, (second * cos).Plus(first * sin)], -1); // [B, H, T, Dh]
    }

    /// <summary>Rows offset … offset + length − 1 of the cos and sin tables (views, taken under the lock that may replace them).</summary>
    private (Tensor Cos, Tensor Sin) Angles(long offset, long length, ScalarType dtype, Device device)
    {
        lock (gate)
        {
            var (cos, sin) = Table(offset + length, dtype, device);
            return (cos.narrow(0, offset, length), sin.narrow(0, offset, length));
        }
    }

    // Called under the lock.
    private (Tensor Cos, Tensor Sin) Table(long length, ScalarType dtype, Device device)
    {
        if (table is { } t && t.Cos.shape[0] >= length && t.Cos.dtype == dtype &&
            t.Cos.device_type == device.type && t.Cos.device_index == device.index)
            return t;
        long rows = Math.Max(length, table?.Cos.shape[0] ?? 0);
        using var scope = NewDisposeScope();
        var angle = SinusoidalPositions.Angles(rows, headDimension);                                  // [L, Dh/2]
        var fresh = (angle.cos().to(dtype, device).DetachFromDisposeScope(), angle.sin().to(dtype, device).DetachFromDisposeScope());
        Free();
        table = fresh;
        return fresh;
    }

    public void Dispose()
    {
        lock (gate) Free();
    }

    private void Free()
    {
        if (table is { } t)
        {
            t.Cos.Dispose();
            t.Sin.Dispose();
        }
        table = null;
    }
}
