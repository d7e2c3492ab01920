namespace Microsoft.ML.Transformer.Modeling;

/// <summary>The non-linearity between the two projections of every feed-forward block.</summary>
public enum Activation
{
    /// <summary>max(0, x), as in "Attention Is All You Need".</summary>
    Relu,

    /// <summary>The Gaussian error linear unit (exact erf form), as in BERT and GPT-2.</summary>
    Gelu,
}

/// <summary>Where each layer normalises relative to its residual connections.</summary>
public enum NormPlacement
{
    /// <summary>Normalise the input of each sub-block: <c>x + f(norm(x))</c>. Trains stably without warm-up.</summary>
    PreNorm,

    /// <summary>Normalise after each residual sum: <c>norm(x + f(x))</c>, as in the original paper.</summary>
    PostNorm,
}

/// <summary>How token positions enter the model.</summary>
public enum PositionalEncoding
{
    /// <summary>No positional signal: the encoder then treats its input as a set (outputs permute with inputs).</summary>
    None,

    /// <summary>The fixed sine/cosine table of "Attention Is All You Need", added to the token embeddings.</summary>
    Sinusoidal,

    /// <summary>One trained vector per position (GPT-2, BERT), added to the token embeddings.</summary>
    Learned,

    /// <summary>
    /// Rotary position embedding (RoFormer, LLaMA): queries and keys of self-attention are rotated by position, so
    /// attention scores depend on relative positions; nothing is added to the embeddings. Needs an even head dimension
    /// and full or sliding-window attention; extrapolates (see <see cref="ModelOptions.AllowLengthExtrapolation"/>).
    /// </summary>
    Rotary,
}

/// <summary>The number format of the matrix products.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Float32,

    /// <summary>
    /// Matrix products and attention in bfloat16; parameters, their gradients, layer norms, residual sums,
    /// logits and the loss stay in float32 (mixed precision with float32 master weights).
    /// </summary>
    BFloat16,
}

/// <summary>Where the model computes.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU (default).</summary>
    Cpu,

    /// <summary>A CUDA GPU; needs the TorchSharp-cuda native backend in the application.</summary>
    Cuda,

    /// <summary>CUDA when available, otherwise the CPU.</summary>
    Auto,
}
