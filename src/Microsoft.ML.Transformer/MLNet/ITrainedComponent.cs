using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>A fitted component that came out of the training loop: it keeps the curve of the <c>Fit</c> that made it.</summary>
internal interface ITrainedComponent
{
    /// <summary>The training curve; null for a component loaded from a zip (the curve is not saved in the model).</summary>
    TrainingHistory? TrainingHistory { get; }
}
