namespace Microsoft.ML.Transformer.Training;

/// <summary>Why a run ended without an exception.</summary>
internal enum TrainingStopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary><see cref="TrainingOptions.MaxSteps"/> was reached.</summary>
    MaxSteps,

    /// <summary>The validation metric stopped improving (<see cref="TrainingOptions.EarlyStoppingPatience"/>).</summary>
    EarlyStopping,

    /// <summary><see cref="TrainingOptions.TimeBudget"/> ran out.</summary>
    TimeBudget,
}

/// <summary>What a run did.</summary>
/// <param name="Steps">Optimiser steps completed, resumed ones included.</param>
/// <param name="StopReason">Why it ended.</param>
/// <param name="BestMetric">The best validation metric, when validation ran.</param>
/// <param name="BestStep">The step of <paramref name="BestMetric"/>, whose weights the model holds when they were restored.</param>
/// <param name="History">The training curve.</param>
internal sealed record TrainingResult(long Steps, TrainingStopReason StopReason, double? BestMetric, long? BestStep, TrainingHistory History);
