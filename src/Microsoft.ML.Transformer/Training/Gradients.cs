using Microsoft.ML.Transformer.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>What happens to the accumulated gradients between the last backward pass and the optimiser step.</summary>
internal static class Gradients
{
    /// <summary>
    /// Multiplies every gradient by <paramref name="scale"/>, then scales them all down together so that their global
    /// L2 norm is at most <paramref name="maxNorm"/> (when given).
    /// </summary>
    /// <returns>The global norm before clipping (after scaling), for the training curve.</returns>
    public static double ScaleAndClip(IEnumerable<Parameter> parameters, double scale, double? maxNorm)
    {
        // Each access to .grad wraps the native gradient in a new handle; the scope frees the handles, not the gradients.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0)
            return 0;
        if (scale != 1)
            foreach (var g in grads)
                g.TimesInPlace(scale);
        double norm = stack(grads.Select(g => g.norm())).norm().to_type(ScalarType.Float64).item<double>();
        if (maxNorm is double max && norm > max)
            foreach (var g in grads)
                // A relative margin: float32 rounding of the clipped gradients' norm (computed again by the caller, e.g.
                // 0.50000006 for a limit of 0.5) must not land above the limit, whatever the norm's size.
                g.TimesInPlace(max / (norm * (1 + 1e-5) + 1e-6));
        return norm;
    }
}
