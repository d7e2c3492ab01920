using ScottPlot;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>Builds the ScottPlot figure of one attention matrix laid out by a <see cref="HeatmapLayout"/>.</summary>
internal static class HeatmapPlot
{
    public static Plot Create(float[,] weights, IReadOnlyList<string> queryTokens, IReadOnlyList<string> keyTokens, string title, HeatmapLayout layout)
    {
        int queries = queryTokens.Count, keys = keyTokens.Count;
        var intensities = new double[queries, keys];
        for (int q = 0; q < queries; q++)
            for (int k = 0; k < keys; k++)
                intensities[q, k] = weights[q, k];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities); // row 0 on top
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Rectangle = new CoordinateRect(0, keys, 0, queries);
        if (layout.ColorBar)
            plot.Add.ColorBar(heatmap);

        // Cell (q, k) spans x ∈ [k, k + 1] and y ∈ [queries − q − 1, queries − q]: ticks sit at the centres.
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, keys).Select(k => k + 0.5).ToArray(), keyTokens.Select(HeatmapLayout.Display).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, queries).Select(q => queries - q - 0.5).ToArray(), queryTokens.Select(HeatmapLayout.Display).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.TickLabelStyle.FontSize = layout.FontSize;
        plot.Axes.Left.TickLabelStyle.FontSize = layout.FontSize;
        plot.Axes.SetLimits(0, keys, 0, queries);

        plot.Title(title, size: layout.ColorBar ? 15 : 12);
        plot.XLabel("key", size: 13);
        plot.YLabel("query", size: 13);
        // The axis title goes below the rotated labels, which ScottPlot measures as if they were horizontal.
        plot.Axes.Bottom.Label.OffsetY = layout.Bottom - 36 - layout.FontSize;
        plot.Layout.Fixed(layout.Padding);
        return plot;
    }
}
