using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Low-precision copies of a model's float32 weights for inference: with <see cref="Precision.BFloat16"/>, every
/// matrix product otherwise casts its float32 master weight again (right while training, where the weight changes
/// each step; wasted work while decoding, where one cast serves every step). Made once per weight on first use, kept
/// outside every dispose scope, freed by <see cref="Dispose"/>. Only for a network whose weights no longer change:
/// see <see cref="EncoderDecoderModel.FreezeForInference"/>.
/// </summary>
internal sealed class InferenceWeights : IDisposable
{
    private readonly Dictionary<Tensor, Tensor> copies = new(ReferenceEqualityComparer.Instance);
    private readonly ScalarType dtype;

    public InferenceWeights(ScalarType dtype) => this.dtype = dtype;

    /// <summary>
    /// What a product should use: the cast copy of <paramref name="weight"/> when there are copies and no gradient is
    /// being recorded, else the weight itself (null stays null, for a missing bias).
    /// </summary>
    public static Tensor? For(InferenceWeights? copies, Tensor? weight) =>
        copies is null || weight is null || is_grad_enabled() ? weight : copies.Get(weight);

    /// <summary>The copy of <paramref name="weight"/> in the inference type, made on first request.</summary>
    public Tensor Get(Tensor weight)
    {
        lock (copies)
        {
            if (!copies.TryGetValue(weight, out var copy))
            {
                using var noGrad = no_grad();
                copy = weight.detach().to(dtype).contiguous().DetachFromDisposeScope();
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
