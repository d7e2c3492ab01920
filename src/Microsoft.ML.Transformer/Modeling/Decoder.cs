using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>A stack of <see cref="DecoderLayer"/>s and a final layer norm (kept for post-norm too, see <see cref="Encoder"/>).</summary>
internal sealed class Decoder : nn.Module
{
    private readonly ModuleList<DecoderLayer> layers;
    private readonly LayerNorm finalNorm;

    public Decoder(ModelOptions options) : base(nameof(Decoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, options.DecoderLayers).Select(_ => new DecoderLayer(options)).ToArray());
        finalNorm = nn.LayerNorm(options.ModelDimension, options.LayerNormEpsilon);
        RegisterComponents();
    }

    /// <summary>Whether a padded batch runs packed (see <see cref="PackedPositions"/>); tests compare both paths.</summary>
    public bool Packs { get; set; } = true;

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<DecoderLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<DecoderLayer>(layers);

    /// <summary>
    /// Embedded target [B, T, D] (and memory [B, S, D] or null) → [B, T, D]. A padded target runs packed (see
    /// <see cref="PackedPositions"/>): its padding rows come out as zeros, which every reader masks.
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMask selfMask, Tensor? memory, AttentionMask crossMask, AttentionRecorder? recorder)
    {
        var recordSelf = recorder?.Sink(AttentionKind.DecoderSelf);
        var recordCross = recorder?.Sink(AttentionKind.Cross);
        // Recording reads every query's probabilities, padding rows included: that keeps the padded layout.
        if (Packs && recordSelf is null && recordCross is null && PackedPositions.Of(selfMask.KeyPadding) is { } packing)
        {
            var packed = packing.Pack(x);                                                   // [N, D]
            foreach (var layer in layers)
                packed = layer.ForwardPacked(packed, packing, selfMask, memory, crossMask);
            return packing.Unpack(finalNorm.forward(packed));                               // [B, T, D], zeros at the padding
        }
        foreach (var layer in layers)
            x = layer.Forward(x, selfMask, memory, crossMask, recordSelf, recordCross);
        return finalNorm.forward(x);
    }

    /// <summary>New positions [B, Tn, D] through every layer with the cache; advances the cache by Tn.</summary>
    public Tensor Cached(Tensor x, DecoderCache cache, AttentionMask selfMask, AttentionMask crossMask)
    {
        for (int i = 0; i < layers.Count; i++)
            x = layers[i].Cached(x, cache, i, selfMask, crossMask);
        cache.Length += x.shape[1];
        return finalNorm.forward(x);
    }
}
