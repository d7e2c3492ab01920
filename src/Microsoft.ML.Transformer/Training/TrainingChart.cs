using ScottPlot;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Renders a training curve with ScottPlot (SkiaSharp underneath, which runs headless).</summary>
internal static class TrainingChart
{
    public static byte[] Render(IReadOnlyList<TrainingProgress> records, string title, int width, int height)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");
        plot.Axes.Left.Label.Text = "loss / metric";
        plot.Axes.Right.Label.Text = "learning rate";

        double[] steps = records.Select(r => (double)r.Step).ToArray();
        AddLine(plot, steps, records.Select(r => r.Loss).ToArray(), "training loss", Colors.LightBlue, plot.Axes.Left);
        AddLine(plot, steps, records.Select(r => r.SmoothedLoss).ToArray(), "training loss (smoothed)", Colors.Blue, plot.Axes.Left);

        var evaluated = records.Where(r => r.ValidationMetric is not null).ToArray();
        if (evaluated.Length > 0)
        {
            var validation = plot.Add.Scatter(
                evaluated.Select(r => (double)r.Step).ToArray(), evaluated.Select(r => r.ValidationMetric!.Value).ToArray());
            validation.LegendText = "validation metric";
            validation.Color = Colors.OrangeRed;
            validation.MarkerSize = 6;
        }

        var lr = AddLine(plot, steps, records.Select(r => r.LearningRate).ToArray(), "learning rate", Colors.Gray, plot.Axes.Right);
        lr.LinePattern = LinePattern.Dashed;

        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static ScottPlot.Plottables.Scatter AddLine(Plot plot, double[] xs, double[] ys, string label, Color color, IYAxis axis)
    {
        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = label;
        line.Color = color;
        line.Axes.YAxis = axis;
        return line;
    }
}
