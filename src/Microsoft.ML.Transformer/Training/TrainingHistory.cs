using System.Globalization;
using System.Text;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// The training curve: one <see cref="TrainingProgress"/> per optimiser step, kept in checkpoints so that a resumed run
/// continues the same curve. Saves as CSV or as a PNG chart.
/// </summary>
public sealed class TrainingHistory
{
    private readonly List<TrainingProgress> _records = [];

    /// <summary>
    /// What <see cref="TrainingProgress.ValidationMetric"/> measures, for the chart's labels (e.g. "validation loss").
    /// Set by the trainer. Default "validation metric".
    /// </summary>
    public string ValidationMetricName { get; set; } = "validation metric";

    /// <summary>The records, in step order.</summary>
    public IReadOnlyList<TrainingProgress> Records => _records;

    /// <summary>Appends a record.</summary>
    public void Add(TrainingProgress record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records.Add(record);
    }

    internal void Clear() => _records.Clear();

    /// <summary>
    /// Writes the curve as CSV (invariant culture, one header line, one line per step, empty cells for unknown values),
    /// atomically.
    /// </summary>
    public void SaveCsv(string path)
    {
        var text = new StringBuilder("step,epoch,loss,smoothed_loss,learning_rate,gradient_norm,tokens_per_second,elapsed_seconds,validation_metric\n");
        foreach (var r in _records)
            text.Append(CultureInfo.InvariantCulture,
                $"{r.Step},{r.Epoch},{F(r.Loss)},{F(r.SmoothedLoss)},{F(r.LearningRate)},{F(r.GradientNorm)},{F(r.TokensPerSecond)},{F(r.Elapsed.TotalSeconds)},{F(r.ValidationMetric)}\n");
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>
    /// Draws the curve as a PNG of <paramref name="width"/> × <paramref name="height"/> pixels, atomically: stacked
    /// panels against the step, training loss (each step and smoothed), the validation metric (when validation ran)
    /// and the learning rate, under a title that sums the run up.
    /// </summary>
    public void SavePng(string path, string title, int width = 900, int height = 720)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        byte[] png = TrainingChart.Render(_records, title, ValidationMetricName, width, height);
        AtomicFile.Write(path, s => s.Write(png));
    }

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string F(double? value) => value is double v ? F(v) : "";
}
