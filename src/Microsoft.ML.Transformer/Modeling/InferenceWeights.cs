using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Inference copies of the weights of a model prepared for inference, for products without gradients. Each matrix is kept once as
/// Wᵀ [in, out], contiguous and in the compute type: a decoding step multiplies a few rows by every weight, and on CPU
/// those products are faster on Wᵀ laid out this way than on W [out, in] read transposed (docs/RESULTS.md); with
/// <see cref="Precision.BFloat16"/> the copy also saves casting the float32 master weight at every product. Made once
/// per weight on first use, kept outside every dispose scope, freed by <see cref="Dispose"/>. Only for a network whose
/// weights no longer change: see <see cref="TextNetwork.PrepareForInference"/>.
/// </summary>
internal sealed class InferenceWeights : IDisposable
{
    private readonly Dictionary<Tensor, Copied> copies = new(ReferenceEqualityComparer.Instance);
    private readonly ScalarType dtype;

    // A weight's inference copy Wᵀ [in, out] with its bias copy and sizes: a decoding step's products are small enough
    // that asking libtorch for shapes again at every call is a visible share of one.
    private sealed record Copied(Tensor Transposed, Tensor? Bias, long Inputs, long Outputs);

    public InferenceWeights(ScalarType dtype) => this.dtype = dtype;

    /// <summary>
    /// x [..., in] Wᵀ + b → [..., out] in the compute type, from the copies of <paramref name="weight"/> [out, in] and
    /// <paramref name="bias"/> [out] (or null). Callers use it only while no gradient is recorded.
    /// </summary>
    public Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        var copy = Copy(weight, bias);
        var shape = x.shape;
        if (x.dtype != dtype) x = x.to(dtype);
        var rows = shape.Length == 2 ? x : x.reshape(-1, copy.Inputs);                  // [N, in]
        var y = copy.Bias is null ? rows.mm(copy.Transposed) : addmm(copy.Bias, rows, copy.Transposed, 1, 1); // [N, out]
        if (shape.Length == 2) return y;
        shape[^1] = copy.Outputs;
        return y.view(shape);
    }

    private Copied Copy(Tensor weight, Tensor? bias)
    {
        lock (copies)
        {
            if (!copies.TryGetValue(weight, out var copy))
            {
                using var noGrad = no_grad();
                var transposed = weight.detach().to(dtype).t().contiguous().DetachFromDisposeScope();       // [in, out]
                var biasCopy = bias?.detach().to(dtype).contiguous().DetachFromDisposeScope();
                copy = new Copied(transposed, biasCopy, weight.shape[1], weight.shape[0]);
                copies.Add(weight, copy);
            }
            return copy;
        }
    }

    public void Dispose()
    {
        lock (copies)
        {
            foreach (var copy in copies.Values)
            {
                copy.Transposed.Dispose();
                copy.Bias?.Dispose();
            }
            copies.Clear();
        }
    }
}
