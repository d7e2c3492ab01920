using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>Self-attention then feed-forward, each in a residual sub-block. [B, S, D] → [B, S, D].</summary>
internal sealed class EncoderLayer : nn.Module
{
    private readonly MultiHeadAttention attention;
    private readonly FeedForward feedForward;
    private readonly LayerNorm attentionNorm;
    private readonly LayerNorm feedForwardNorm;
    private readonly NormPlacement placement;
    private readonly double residualDropout;

    public EncoderLayer(ModelOptions options) : base(nameof(EncoderLayer))
    {
        attention = new MultiHeadAttention(options, isCross: false);
        feedForward = new FeedForward(options);
        attentionNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        feedForwardNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        placement = options.NormPlacement;
        residualDropout = options.ResidualDropout;
        RegisterComponents();
    }

    /// <summary>The projections that write into the residual stream.</summary>
    public IEnumerable<Projection> ResidualOutputs => [attention.Output, feedForward.Output];

    /// <summary>x [B, S, D]; <paramref name="mask"/> hides padded keys.</summary>
    public Tensor Forward(Tensor x, AttentionMask mask, Action<Tensor>? record)
    {
        x = Residual.Apply(x, attentionNorm, placement, residualDropout, training, h => attention.SelfAttention(h, mask, record));
        return Residual.Apply(x, feedForwardNorm, placement, residualDropout, training, feedForward.forward);
    }

    /// <summary>
    /// The real positions of a padded batch only: x [N, D] → [N, D] (see <see cref="PackedPositions"/>). Every
    /// sub-block but attention itself is position-wise, so it skips the padding.
    /// </summary>
    public Tensor ForwardPacked(Tensor x, PackedPositions packing, AttentionMask mask)
    {
        x = Residual.Apply(x, attentionNorm, placement, residualDropout, training, h => attention.PackedSelfAttention(h, packing, mask));
        return Residual.Apply(x, feedForwardNorm, placement, residualDropout, training, feedForward.forward);
    }
}
