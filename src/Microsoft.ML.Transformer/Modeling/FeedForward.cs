using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>The position-wise block: up-project, non-linearity, dropout, down-project. [B, T, D] → [B, T, D].</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Projection up;   // [D] → [F]
    private readonly Projection down; // [F] → [D], back into the residual stream
    private readonly Activation activation;
    private readonly double dropout;

    public FeedForward(ModelOptions options) : base(nameof(FeedForward))
    {
        up = new Projection(options.ModelDimension, options.FeedForwardDimension);
        down = new Projection(options.FeedForwardDimension, options.ModelDimension);
        activation = options.Activation;
        dropout = options.FeedForwardDropout;
        RegisterComponents();
    }

    /// <summary>The projection writing into the residual stream (scaled down at initialisation).</summary>
    public Projection Output => down;

    public override Tensor forward(Tensor x)
    {
        var h = up.forward(x);                                                          // [B, T, F]
        h = activation == Activation.Gelu ? nn.functional.gelu(h) : nn.functional.relu(h);
        h = Dropout.Apply(h, dropout, training);
        return down.forward(h);                                                         // [B, T, D]
    }
}

/// <summary>One residual sub-block with its layer norm, pre-norm or post-norm.</summary>
internal static class Residual
{
    /// <summary>
    /// Pre-norm: x + dropout(f(norm(x))) — the residual stream is never normalised, which keeps gradients well
    /// scaled in deep stacks. Post-norm: norm(x + dropout(f(x))), the original paper's order.
    /// </summary>
    public static Tensor Apply(Tensor x, nn.Module<Tensor, Tensor> norm, NormPlacement placement, double dropout,
        bool training, Func<Tensor, Tensor> subBlock)
    {
        if (placement == NormPlacement.PreNorm)
            return x.Plus(Dropout.Apply(subBlock(norm.forward(x)), dropout, training));
        return norm.forward(x.Plus(Dropout.Apply(subBlock(x), dropout, training)));
    }
}
