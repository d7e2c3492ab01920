namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Linear warm-up, then a constant, linear or cosine decay to a minimum: a pure function of the optimiser step, so a
/// resumed run needs only the step to be back on the same curve.
/// </summary>
public sealed class LearningRateSchedule
{
    /// <summary>A schedule from its parts.</summary>
    /// <param name="kind">Shape after warm-up.</param>
    /// <param name="peak">Learning rate at the end of warm-up.</param>
    /// <param name="minimum">Learning rate reached when the decay ends (step <paramref name="totalSteps"/>).</param>
    /// <param name="warmupSteps">Steps of linear warm-up.</param>
    /// <param name="totalSteps">Length of the run in optimiser steps; the decay spans the steps after warm-up.</param>
    public LearningRateSchedule(LearningRateScheduleKind kind, double peak, double minimum, long warmupSteps, long totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peak);
        ArgumentOutOfRangeException.ThrowIfNegative(minimum);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimum, peak);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        (Kind, Peak, Minimum, WarmupSteps, TotalSteps) = (kind, peak, minimum, warmupSteps, totalSteps);
    }

    /// <summary>The schedule that <paramref name="options"/> describes for a run of <paramref name="totalSteps"/> steps.</summary>
    public static LearningRateSchedule From(TrainingOptions options, long totalSteps) =>
        new(options.Schedule, options.LearningRate, options.MinLearningRate, options.WarmupFor(totalSteps), totalSteps);

    /// <summary>Shape after warm-up.</summary>
    public LearningRateScheduleKind Kind { get; }

    /// <summary>Learning rate at the end of warm-up.</summary>
    public double Peak { get; }

    /// <summary>Learning rate at and after step <see cref="TotalSteps"/> (for decaying schedules).</summary>
    public double Minimum { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Length of the run in optimiser steps.</summary>
    public long TotalSteps { get; }

    /// <summary>The learning rate used by optimiser step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        // Warm-up counts from 1 so that the first step already moves the weights, and step WarmupSteps-1 is at the peak.
        if (step < WarmupSteps)
            return Peak * (step + 1) / WarmupSteps;
        if (Kind == LearningRateScheduleKind.Constant)
            return Peak;
        // The decay reaches the minimum at step TotalSteps, the first step that is never taken.
        double progress = Math.Clamp((double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps), 0, 1);
        double fraction = Kind == LearningRateScheduleKind.Linear ? 1 - progress : 0.5 * (1 + Math.Cos(Math.PI * progress));
        return Minimum + (Peak - Minimum) * fraction;
    }
}
