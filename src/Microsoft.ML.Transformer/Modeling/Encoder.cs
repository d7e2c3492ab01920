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
        foreach (var layer in layers)
            x = layer.Forward(x, mask, record);
        return finalNorm.forward(x);
    }
}
