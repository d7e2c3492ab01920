using System.Globalization;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Where training stands after one optimiser step.</summary>
/// <param name="Step">Optimiser steps completed (1 after the first).</param>
/// <param name="TotalSteps">Steps the run is planned to take, when known.</param>
/// <param name="Epoch">The 0-based epoch the step belongs to.</param>
/// <param name="Loss">Mean training loss of this step (token-weighted over its micro-batches).</param>
/// <param name="SmoothedLoss">Exponential moving average of <paramref name="Loss"/> (bias-corrected, factor 0.9).</param>
/// <param name="LearningRate">Learning rate used by this step.</param>
/// <param name="GradientNorm">Global L2 norm of the step's gradient before clipping.</param>
/// <param name="TokensPerSecond">Target tokens (as counted by the loss function) per second over the steps of this run.</param>
/// <param name="Elapsed">Training time, including that of the runs this one resumed.</param>
/// <param name="EstimatedTimeLeft">Time left at the current speed, when the total is known.</param>
/// <param name="ValidationMetric">The validation metric, on the steps where it was evaluated; otherwise null.</param>
public sealed record TrainingProgress(
    long Step,
    long? TotalSteps,
    int Epoch,
    double Loss,
    double SmoothedLoss,
    double LearningRate,
    double GradientNorm,
    double TokensPerSecond,
    TimeSpan Elapsed,
    TimeSpan? EstimatedTimeLeft,
    double? ValidationMetric)
{
    /// <summary>
    /// The progress as the one log line the trainers write to ML.NET's log, e.g.
    /// "step 50/400 epoch 1: loss 2.3104 (smoothed 2.4012), lr 3.00E-004, gradient norm 0.812, 2105 tokens/s,
    /// 00:00:31 elapsed, 00:03:37 left".
    /// </summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string text = string.Create(c, $"step {Step}{(TotalSteps is long t ? "/" + t : "")} epoch {Epoch + 1}: ")
            + string.Create(c, $"loss {Loss:F4} (smoothed {SmoothedLoss:F4}), lr {LearningRate:E2}, gradient norm {GradientNorm:F3}, ")
            + string.Create(c, $"{TokensPerSecond:F0} tokens/s, {Format(Elapsed)} elapsed");
        if (EstimatedTimeLeft is TimeSpan left)
            text += $", {Format(left)} left";
        if (ValidationMetric is double m)
            text += $", validation {Format(m)}";
        return text;
    }

    internal static string Format(TimeSpan t) => t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    internal static string Format(double metric) => metric.ToString("G5", CultureInfo.InvariantCulture);
}
