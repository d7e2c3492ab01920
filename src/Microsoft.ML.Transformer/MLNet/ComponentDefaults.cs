using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// The defaults that several ML.NET components share, each defined here once; a default that only one component has
/// stays on that component's options.
/// </summary>
internal static class ComponentDefaults
{
    /// <summary>
    /// The training of the trainers that do not choose it from the data (regressor, entity tagger, question answerer,
    /// text generator): 10 epochs at peak learning rate 5e-4; every other setting, the warm-up among them, is
    /// <see cref="TrainingOptions"/>' own.
    /// </summary>
    public static TrainingOptions Training() => new() { Epochs = 10, LearningRate = 5e-4 };

    /// <summary>Where every component computes (<see cref="IDeviceOptions.Device"/>).</summary>
    public const ComputeDevice Device = ComputeDevice.Cpu;

    /// <summary>Whether a missing CUDA falls back to the CPU (<see cref="IDeviceOptions.AllowCpuFallback"/>).</summary>
    public const bool AllowCpuFallback = true;

    /// <summary>
    /// The activation of every default network a component builds (the classifier's and the heads', the generator's,
    /// pretraining's), where <see cref="ModelOptions"/> keeps its own.
    /// </summary>
    public const Activation Activation = Modeling.Activation.Gelu;

    /// <summary>
    /// The positions of the default networks that a fine-tuned encoder starts from (the classifier's and the heads',
    /// pretraining's), so that a pretrained network and one trained from scratch match; the generator keeps
    /// <see cref="ModelOptions"/>' positions.
    /// </summary>
    public const PositionalEncoding PositionalEncoding = Modeling.PositionalEncoding.Learned;

    /// <summary>How the components that read one vector per row (classifier, regressor, embeddings) pool hidden states.</summary>
    public const Pooling Pooling = Modeling.Pooling.Mean;

    /// <summary>Rows one <c>Transform</c> forward pass scores, for the components that score a row in one pass.</summary>
    public const int ScoringBatchSize = 64;
}
