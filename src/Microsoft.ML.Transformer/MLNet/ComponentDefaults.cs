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

    /// <summary>Rows one <c>Transform</c> forward pass scores, for the components that score a row in one pass.</summary>
    public const int ScoringBatchSize = 64;
}
