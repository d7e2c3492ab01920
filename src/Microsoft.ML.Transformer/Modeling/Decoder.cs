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

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<DecoderLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<DecoderLayer>(layers);

    /// <summary>Embedded target [B, T, D] (and memory [B, S, D] or null) → [B, T, D].</summary>
    public Tensor Forward(Tensor x, AttentionMask selfMask, Tensor? memory, AttentionMask crossMask, AttentionRecorder? recorder)
    {
        var recordSelf = recorder?.Sink(AttentionKind.DecoderSelf);
        var recordCross = recorder?.Sink(AttentionKind.Cross);
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
