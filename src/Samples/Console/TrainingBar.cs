using Microsoft.ML.Transformer.Training;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Console;

/// <summary>A live progress bar for a training run: step, loss, tokens/s and time left, fed by IProgress.</summary>
public static class TrainingBar
{
    /// <summary>Runs <paramref name="fit"/> with the progress of <paramref name="training"/> (the options it trains with) moving the bar.</summary>
    public static T Fit<T>(string title, string unit, TrainingOptions training, Func<T> fit) => Run(title, unit, progress =>
    {
        training.Progress = progress;
        return fit();
    });

    /// <summary>
    /// Runs <paramref name="work"/>, handing it the progress sink that moves the bar; <paramref name="unit"/> names what
    /// the trainer counts per second (tokens for language models, rows for classifiers).
    /// </summary>
    public static T Run<T>(string title, string unit, Func<IProgress<TrainingProgress>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                var sink = new Sink(task, title, unit);
                result = work(sink);
                task.Value = task.MaxValue;
            });
        return result;
    }

    private sealed class Sink(ProgressTask task, string title, string unit) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.TotalSteps is { } total && total > 0)
                task.MaxValue = total;
            task.Value = p.Step;
            string validation = p.ValidationMetric is { } v ? $" val {v:F3}" : "";
            task.Description = Markup.Escape($"{title}: step {p.Step} loss {p.SmoothedLoss:F3}{validation} {p.TokensPerSecond:N0} {unit}/s");
        }
    }
}
