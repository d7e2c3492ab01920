using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Causal self-attention, then (when the model has an encoder) attention over the encoder memory, then
/// feed-forward; each in a residual sub-block. [B, T, D] → [B, T, D].
/// </summary>
internal sealed class DecoderLayer : nn.Module
{
    private readonly MultiHeadAttention selfAttention;
    private readonly MultiHeadAttention? crossAttention;
    private readonly FeedForward feedForward;
    private readonly LayerNorm selfNorm;
    private readonly LayerNorm? crossNorm;
    private readonly LayerNorm feedForwardNorm;
    private readonly NormPlacement placement;
    private readonly double residualDropout;

    public DecoderLayer(ModelOptions options) : base(nameof(DecoderLayer))
    {
        selfAttention = new MultiHeadAttention(options, isCross: false);
        if (options.EncoderLayers > 0)
        {
            crossAttention = new MultiHeadAttention(options, isCross: true);
            crossNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        }
        feedForward = new FeedForward(options);
        selfNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        feedForwardNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        placement = options.NormPlacement;
        residualDropout = options.ResidualDropout;
        RegisterComponents();
    }

    /// <summary>The projections that write into the residual stream.</summary>
    public IEnumerable<Projection> ResidualOutputs =>
        crossAttention is null ? [selfAttention.Output, feedForward.Output] : [selfAttention.Output, crossAttention.Output, feedForward.Output];

    /// <summary>The cross-attention, or null in a decoder-only model.</summary>
    public MultiHeadAttention? CrossAttention => crossAttention;

    /// <summary>The whole target at once: x [B, T, D], memory [B, S, D] or null.</summary>
    public Tensor Forward(Tensor x, AttentionMask selfMask, Tensor? memory, AttentionMask crossMask,
        Action<Tensor>? recordSelf, Action<Tensor>? recordCross)
    {
        x = Sub(x, selfNorm, h => selfAttention.SelfAttention(h, selfMask, recordSelf));
        if (crossAttention is not null)
            x = Sub(x, crossNorm!, h => crossAttention.CrossAttention(h, memory!, crossMask, recordCross));
        return Sub(x, feedForwardNorm, feedForward.forward);
    }

    /// <summary>
    /// The real positions of a padded target only: x [N, D] → [N, D] (see <see cref="PackedPositions"/>); memory
    /// [B, S, D] or null.
    /// </summary>
    public Tensor ForwardPacked(Tensor x, PackedPositions packing, AttentionMask selfMask, Tensor? memory, AttentionMask crossMask)
    {
        x = Sub(x, selfNorm, h => selfAttention.PackedSelfAttention(h, packing, selfMask));
        if (crossAttention is not null)
            x = Sub(x, crossNorm!, h => crossAttention.PackedCrossAttention(h, packing, memory!, crossMask));
        return Sub(x, feedForwardNorm, feedForward.forward);
    }

    /// <summary>
    /// New positions x [B, Tn, D] after the cached ones, for incremental decoding: keys and
    /// values go into this layer's buffers of <paramref name="cache"/>; cross-attention uses its precomputed memory.
    /// </summary>
    public Tensor Cached(Tensor x, DecoderCache cache, int layer, AttentionMask selfMask, AttentionMask crossMask)
    {
        x = Sub(x, selfNorm, h => selfAttention.CachedSelfAttention(h, cache.Keys[layer], cache.Values[layer], cache.Length, selfMask, cache.LinearStates[layer]));
        if (crossAttention is not null)
            x = Sub(x, crossNorm!, h => crossAttention.CachedCrossAttention(h, cache.CrossKeys[layer]!, cache.CrossValues[layer]!, crossMask));
        return Sub(x, feedForwardNorm, feedForward.forward);
    }

    private Tensor Sub(Tensor x, LayerNorm norm, Func<Tensor, Tensor> block) =>
        Residual.Apply(x, norm, placement, residualDropout, training, block);
}
