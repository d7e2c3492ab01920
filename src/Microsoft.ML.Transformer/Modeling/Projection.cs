using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// A linear layer y = x Wᵀ + b that can compute in bfloat16 while its parameters stay float32.
/// TorchSharp has no autocast, so the cast that PyTorch's autocast would insert lives here: with
/// <see cref="Modeling.Precision.BFloat16"/> the input, weight and bias are cast for the product only, and autograd
/// carries the gradient back through the cast into the float32 master weights, so small AdamW updates are not
/// rounded away.
/// </summary>
internal sealed class Projection : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // [out, in]
    private readonly Parameter? bias;  // [out]

    /// <summary>A projection from <paramref name="inputs"/> to <paramref name="outputs"/> features.</summary>
    public Projection(long inputs, long outputs, bool hasBias = true, string name = "Projection") : base(name)
    {
        // Values are set by the model's initialisation; zeros here only allocate.
        weight = new Parameter(zeros(outputs, inputs));
        bias = hasBias ? new Parameter(zeros(outputs)) : null;
        RegisterComponents();
    }

    /// <summary>The weight matrix, [out, in].</summary>
    public Parameter Weight => weight;

    /// <summary>The bias, [out], or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>The number format of the product; set for the whole model by <see cref="TextNetwork.Precision"/>.</summary>
    public Precision Precision { get; set; }

    /// <summary>The prepared model's inference copies of the weights (see <see cref="InferenceWeights"/>), or null.</summary>
    internal InferenceWeights? Inference { get; set; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => Linear(x, weight, bias, Precision, Inference);

    /// <summary>
    /// x Wᵀ + b in the given precision (shared with the tied output head): from the inference copies when the model is
    /// prepared for inference and no gradient is recorded, else from the parameters themselves.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias, Precision precision, InferenceWeights? inference)
    {
        if (inference is not null && !is_grad_enabled())
            return inference.Linear(x, weight, bias);
        if (precision == Precision.Float32)
            return nn.functional.linear(x, weight, bias);
        // Autocast semantics: the product in bf16, its result left in bf16 for the next bf16 consumer.
        var dtype = ScalarType.BFloat16;
        return nn.functional.linear(x.to(dtype), weight.to(dtype), bias?.to(dtype));
    }
}
