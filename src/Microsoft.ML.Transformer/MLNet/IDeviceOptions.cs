using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// Where a component computes, shared by the options of every component that runs a network (the four trainers of
/// <see cref="EncoderHeadOptions"/>, <see cref="Generation.TextGenerationOptions"/>,
/// <see cref="Pretraining.TextPretrainingOptions"/>, <see cref="Embeddings.TextEmbeddingOptions"/>,
/// <see cref="Attention.AttentionWeightsOptions"/>).
/// </summary>
public interface IDeviceOptions
{
    /// <summary>
    /// Where to train and score (embeddings and attention weights save it with the model; a loaded one falls back to
    /// the CPU when CUDA is missing). Default <see cref="ComputeDevice.Cpu"/>.
    /// </summary>
    ComputeDevice Device { get; set; }

    /// <summary>When CUDA is asked for but unavailable: fall back to the CPU with a warning (true) or throw (false). Default true.</summary>
    bool AllowCpuFallback { get; set; }
}
