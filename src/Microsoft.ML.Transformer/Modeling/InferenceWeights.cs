using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Inference copies of a frozen model's weights, for products without gradients. Each matrix is kept once as
/// Wᵀ [in, out], contiguous and in the compute type: a decoding step multiplies a few rows by every weight, and on CPU
/// those products ran 9–25% faster on Wᵀ laid out this way than on W [out, in] read transposed (whole cached decoding
/// 1.06–1.12×, docs/RESULTS.md); with
/// <see cref="Precision.BFloat16"/> the copy also saves casting the float32 master weight at every product. Made once
/// per weight on first use, kept outside every dispose scope, freed by <see cref="Dispose"/>. Only for a network whose
/// weights no longer change: see <see cref="EncoderDecoderModel.FreezeForInference"/>.
/// </summary>
internal sealed class InferenceWeights : IDisposable
{
    private readonly Dictionary<Tensor, Tensor> copies = new(ReferenceEqualityComparer.Instance);
    private readonly ScalarType dtype;

    public InferenceWeights(ScalarType dtype) => this.dtype = dtype;

    /// <summary>
    /// x [..., in] Wᵀ + b → [..., out] in the compute type, from the copies of <paramref name="weight"/> [out, in] and
    /// <paramref name="bias"/> [out] (or null). Callers use it only while no gradient is recorded.
    /// </summary>
    public Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        var transposed = Copy(weight, transpose: true);                               // [in, out]
        var rows = x.to(dtype).reshape(-1, transposed.shape[0]);                      // [N, in]
        var y = bias is null ? rows.mm(transposed) : addmm(Copy(bias, transpose: false), rows, transposed, 1, 1); // [N, out]
        return y.view([.. x.shape[..^1], transposed.shape[1]]);
    }

    private Tensor Copy(Tensor weight, bool transpose)
    {
        lock (copies)
        {
            if (!copies.TryGetValue(weight, out var copy))
            {
                using var noGrad = no_grad();
                var cast = weight.detach().to(dtype);
                copy = (transpose ? cast.t() : cast).contiguous().DetachFromDisposeScope();
                copies.Add(weight, copy);
            }
            return copy;
        }
    }

    public void Dispose()
    {
        lock (copies)
        {
            foreach (var copy in copies.Values) copy.Dispose();
            copies.Clear();
        }
    }
}
