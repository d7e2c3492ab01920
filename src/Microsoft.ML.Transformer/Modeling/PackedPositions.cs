using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// The real (non-padding) positions of a padded batch [B, T], so that position-wise work (projections, feed-forward,
/// norms, dropout) runs on those N rows only and padding costs nothing there. Attention still needs the padded layout:
/// <see cref="Unpack"/> scatters rows back with zeros at the padding, whose keys the mask hides. Gradients flow
/// through both directions, so training packs as inference does.
/// </summary>
internal sealed class PackedPositions
{
    private PackedPositions(Tensor indices, long batch, long length) => (Indices, Batch, Length) = (indices, batch, length);

    /// <summary>Flat indices into B·T of the real positions, int64 [N], in row-major order.</summary>
    public Tensor Indices { get; }

    /// <summary>B, the padded batch's rows.</summary>
    public long Batch { get; }

    /// <summary>T, the padded batch's length.</summary>
    public long Length { get; }

    /// <summary>
    /// The real positions of <paramref name="padding"/> (bool [B, T], true = padding), or null when packing saves
    /// nothing: no padding, or no real position at all.
    /// </summary>
    public static PackedPositions? Of(Tensor? padding)
    {
        if (padding is null) return null;
        var (b, t) = (padding.shape[0], padding.shape[1]);
        var indices = padding.logical_not().reshape(-1).nonzero().squeeze(1);                 // [N]
        long n = indices.shape[0];
        return n > 0 && n < b * t ? new PackedPositions(indices, b, t) : null;
    }

    /// <summary>x [B, T, C] → the real rows [N, C].</summary>
    public Tensor Pack(Tensor x) => x.reshape(Batch * Length, x.shape[2]).index_select(0, Indices);

    /// <summary>The real rows [N, C] → [B, T, C], zeros at the padding.</summary>
    public Tensor Unpack(Tensor rows) =>
        zeros([Batch * Length, rows.shape[1]], rows.dtype, rows.device).index_copy_(0, Indices, rows).view(Batch, Length, -1);
}
