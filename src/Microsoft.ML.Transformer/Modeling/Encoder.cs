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

    /// <summary>Whether a padded batch runs packed (see <see cref="PackedPositions"/>); tests compare both paths.</summary>
    public bool Packs { get; set; } = true;

    /// <summary>The layers, lowest first.</summary>
    public IReadOnlyList<EncoderLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<EncoderLayer>(layers);

    /// <summary>Embedded source [B, S, D] → memory [B, S, D]; padding rows of the memory are zeros when the batch is
    /// packed (see <see cref="PackedPositions"/>), and every reader masks them.</summary>
    public Tensor Forward(Tensor x, AttentionMask mask, AttentionRecorder? recorder)
    {
        var record = recorder?.Sink(AttentionKind.EncoderSelf);
        // Recording reads every query's probabilities, padding rows included: that keeps the padded layout.
        if (Packs && record is null && PackedPositions.Of(mask.KeyPadding) is { } packing)
        {
            var packed = packing.Pack(x);                                                   // [N, D]
            foreach (var layer in layers)
                packed = layer.ForwardPacked(packed, packing, mask);
            return packing.Unpack(finalNorm.forward(packed));                               // [B, S, D], zeros at the padding
        }
        foreach (var layer in layers)
            x = layer.Forward(x, mask, record);
        return finalNorm.forward(x);
    }
}
