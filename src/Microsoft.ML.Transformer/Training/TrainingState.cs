namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Everything about a run's position that is not a tensor: what a checkpoint needs besides weights and optimiser
/// state to continue exactly where the run stopped.
/// </summary>
internal sealed class TrainingState
{
    /// <summary>Optimiser steps completed; also the schedule position.</summary>
    public long Step { get; set; }

    /// <summary>The 0-based epoch in progress.</summary>
    public int Epoch { get; set; }

    /// <summary>Micro-batches of <see cref="Epoch"/> already consumed, so that a resumed run skips them.</summary>
    public long BatchesConsumedInEpoch { get; set; }

    /// <summary>The moving average of the loss before bias correction.</summary>
    public double LossAverage { get; set; }

    /// <summary>Training time of the runs before this one.</summary>
    public TimeSpan ElapsedBefore { get; set; }

    /// <summary>The best validation metric so far, if any evaluation ran.</summary>
    public double? BestMetric { get; set; }

    /// <summary>The step at which <see cref="BestMetric"/> was measured.</summary>
    public long BestStep { get; set; }

    /// <summary>Evaluations in a row that did not improve on <see cref="BestMetric"/>.</summary>
    public int EvaluationsWithoutImprovement { get; set; }

    /// <summary>Whether early stopping already ended the run (a resumed run then only finishes up).</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>The state of torch's default random generator (dropout), as bytes.</summary>
    public byte[] RandomState { get; set; } = [];

    /// <summary>The training curve so far.</summary>
    public TrainingHistory History { get; } = new();
}
