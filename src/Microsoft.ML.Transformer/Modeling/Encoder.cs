using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// A stack of <see cref="EncoderLayer"/>s and a final layer norm. The final norm is what makes a pre-norm stack's
/// output normalised; it is kept for post-norm too, as PyTorch's nn.Transformer (and the benchmark's peer) do.
/// </summary>
internal sealed class Encoder : nn.Module
{
    private readonly ModuleList<EncoderLayer> layers;
    private readonly LayerNorm finalNorm;

    public Encoder(ModelOptions options) : base(nameof(Encoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, options.EncoderLayers).Select(_ => new EncoderLayer(options)).ToArray());
        finalNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        RegisterComponents();
    }

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<EncoderLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<EncoderLayer>(layers);

    /// <summary>Embedded source [B, S, D] → memory [B, S, D].</summary>
    public Tensor Forward(Tensor x, AttentionMask mask, AttentionRecorder? recorder)
    {
        var record = recorder?.Sink(AttentionKind.EncoderSelf);
        if (mask.KeyPadding is { } padding && record is null && !training && !is_grad_enabled())
        {
            var (b, s) = (x.shape[0], x.shape[1]);
            var positions = padding.logical_not().reshape(-1).nonzero().squeeze(1);         // [N] real positions of B·S
            if (positions.shape[0] < b * s)
                return Packed(x, positions, mask);
        }
        foreach (var layer in layers)
            x = layer.Forward(x, mask, record);
        return finalNorm.forward(x);
    }

    // Inference over a padded batch: the position-wise work (projections, feed-forward, norms; all of it but attention
    // itself) runs on the N real positions only, so padding costs no work there. The padding rows of the
    // result are zeros; every reader masks them.
    private Tensor Packed(Tensor x, Tensor positions, AttentionMask mask)
    {
        var (b, s, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var packed = x.reshape(b * s, d).index_select(0, positions);                        // [N, D]
        foreach (var layer in layers)
            packed = layer.ForwardPacked(packed, positions, b, s, mask, record: null);
        packed = finalNorm.forward(packed);
        return zeros([b * s, d], packed.dtype, packed.device).index_copy_(0, positions, packed).view(b, s, d); // [B, S, D]
    }
}
