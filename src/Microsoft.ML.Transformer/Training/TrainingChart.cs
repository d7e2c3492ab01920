using System.Globalization;
using ScottPlot;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Renders a training curve with ScottPlot (SkiaSharp underneath, which runs headless): stacked panels sharing the
/// step axis — training loss (each step faint, smoothed bold), the validation metric when there is one, and the
/// learning rate — so that divergence, over-fitting or a bad schedule show at a glance.
/// </summary>
internal static class TrainingChart
{
    // Every panel has the same left and right margins, so the step axes line up; the top panel leaves room for the
    // title, the bottom one for the step label.
    private static PixelPadding Padding(bool first, bool last) => new(left: 80, right: 24, bottom: last ? 56 : 30, top: first ? 62 : 16);

    public static byte[] Render(IReadOnlyList<TrainingProgress> records, string title, string metricName, int width, int height)
    {
        double[] steps = records.Select(r => (double)r.Step).ToArray();
        var evaluated = records.Where(r => r.ValidationMetric is not null).ToArray();
        var plots = new List<Plot>();
        try
        {
            var loss = Panel(plots, $"{title}\n{Summary(records, evaluated, metricName)}", "training loss");
            AddLine(loss, steps, records.Select(r => r.Loss).ToArray(), "loss of each step", Colors.LightSteelBlue, 1);
            AddLine(loss, steps, records.Select(r => r.SmoothedLoss).ToArray(), "smoothed", Colors.Blue, 2);
            loss.ShowLegend(Alignment.UpperRight);

            if (evaluated.Length > 0)
            {
                var metric = Panel(plots, null, metricName);
                var line = AddLine(metric, evaluated.Select(r => (double)r.Step).ToArray(), evaluated.Select(r => r.ValidationMetric!.Value).ToArray(),
                    null, Colors.OrangeRed, 2);
                line.MarkerSize = 7;
            }

            var rate = Panel(plots, null, "learning rate");
            AddLine(rate, steps, records.Select(r => r.LearningRate).ToArray(), null, Colors.DimGray, 2);
            rate.XLabel("step");

            double lastStep = Math.Max(1, steps.DefaultIfEmpty(1).Max());
            for (int i = 0; i < plots.Count; i++)
            {
                plots[i].Axes.SetLimitsX(0, lastStep * 1.02);
                plots[i].Layout.Fixed(Padding(first: i == 0, last: i == plots.Count - 1));
            }
            var figure = new Multiplot();
            figure.Reset(plots[0]);
            foreach (var plot in plots.Skip(1))
                figure.AddPlot(plot);
            figure.Layout = EqualDataHeights(plots.Count, height);
            return figure.Render(width, height).GetImageBytes(ImageFormat.Png, 100);
        }
        finally
        {
            foreach (var plot in plots) plot.Dispose();
        }
    }

    /// <summary>Rows whose data areas are equally tall: each row is its share plus its own top and bottom margins.</summary>
    private static ScottPlot.MultiplotLayouts.DraggableRows EqualDataHeights(int rows, int height)
    {
        var margins = Enumerable.Range(0, rows).Select(i => Padding(i == 0, i == rows - 1)).Select(p => p.Top + p.Bottom).ToArray();
        float data = Math.Max(10, (height - margins.Sum()) / rows);
        var layout = new ScottPlot.MultiplotLayouts.DraggableRows { ExpandingPlotIndex = rows - 1 };
        layout.SetHeights(margins.Select(m => m + data));
        return layout;
    }

    private static Plot Panel(List<Plot> plots, string? title, string yLabel)
    {
        var plot = new Plot();
        if (title is not null) plot.Title(title, size: 14);
        plot.YLabel(yLabel, size: 12);
        plots.Add(plot);
        return plot;
    }

    /// <summary>"N steps · final smoothed loss x · last validation y (step s)", or "no steps yet".</summary>
    private static string Summary(IReadOnlyList<TrainingProgress> records, TrainingProgress[] evaluated, string metricName)
    {
        if (records.Count == 0)
            return "no steps yet";
        var c = CultureInfo.InvariantCulture;
        string text = string.Create(c, $"{records.Count} steps · final smoothed loss {records[^1].SmoothedLoss:G4}");
        if (evaluated.Length > 0)
            text += string.Create(c, $" · last {metricName} {evaluated[^1].ValidationMetric:G4} (step {evaluated[^1].Step})");
        return text;
    }

    // A label puts the line in the legend; panels with one line have none (their axis title says what it is).
    private static ScottPlot.Plottables.Scatter AddLine(Plot plot, double[] xs, double[] ys, string? label, Color color, float width)
    {
        var line = plot.Add.Scatter(xs, ys);
        if (label is not null) line.LegendText = label;
        line.Color = color;
        line.LineWidth = width;
        line.MarkerSize = 0;
        return line;
    }
}
