using ScottPlot;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// Draws attention weights as heatmap PNGs (ScottPlot): queries as rows, top to bottom, keys as columns, left to
/// right, each labelled with its token; brighter is more attention. Cells shrink with the number of tokens down to
/// 12 pixels (64 tokens and more), so labels stay legible; a colour bar gives the scale. Files are written atomically
/// (a temporary file, then a rename).
/// </summary>
public static class AttentionHeatmap
{
    /// <summary>One head of one layer.</summary>
    /// <param name="maps">The attention weights (see <c>AttentionExplainer.Explain</c>).</param>
    /// <param name="layer">The layer, 0 = lowest.</param>
    /// <param name="head">The head, 0-based.</param>
    /// <param name="path">The PNG file to write.</param>
    public static void SaveHead(AttentionMaps maps, int layer, int head, string path)
    {
        ArgumentNullException.ThrowIfNull(maps);
        SaveMatrix(maps.Weights(layer, head), maps.QueryTokens, maps.KeyTokens, $"{Describe(maps.Kind)} · layer {layer} · head {head}", path);
    }

    /// <summary>
    /// The attention rollout across all layers (Abnar and Zuidema, 2020; see <see cref="AttentionMaps.Rollout"/>):
    /// how much each position's final representation draws on each input token. Self-attention only.
    /// </summary>
    /// <param name="maps">Self-attention weights.</param>
    /// <param name="path">The PNG file to write.</param>
    public static void SaveRollout(AttentionMaps maps, string path)
    {
        ArgumentNullException.ThrowIfNull(maps);
        SaveMatrix(maps.Rollout(), maps.QueryTokens, maps.KeyTokens, $"{Describe(maps.Kind)} · rollout over {maps.LayerCount} layers", path);
    }

    /// <summary>Any [queries × keys] matrix with its tokens, e.g. <see cref="AttentionMaps.MeanOverHeads"/> of a layer.</summary>
    /// <param name="weights">The matrix, one row per query token.</param>
    /// <param name="queryTokens">The row labels.</param>
    /// <param name="keyTokens">The column labels.</param>
    /// <param name="title">The title above the heatmap.</param>
    /// <param name="path">The PNG file to write.</param>
    public static void SaveMatrix(float[,] weights, IReadOnlyList<string> queryTokens, IReadOnlyList<string> keyTokens, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(path);
        Check(weights, queryTokens, keyTokens);
        var layout = HeatmapLayout.For(queryTokens, keyTokens);
        using var plot = HeatmapPlot.Create(weights, queryTokens, keyTokens, title, layout);
        byte[] png = plot.GetImageBytes(layout.Width, layout.Height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>
    /// A grid of small heatmaps: the heads of <paramref name="layer"/> side by side, or, when it is null, one row per
    /// layer (lowest on top) and one column per head. Each head has its own colour scale (its maximum is in its title).
    /// </summary>
    /// <param name="maps">The attention weights.</param>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="layer">One layer, or null for all.</param>
    public static void SaveGrid(AttentionMaps maps, string path, int? layer = null)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(path);
        int[] layers = layer is int l ? [l] : Enumerable.Range(0, maps.LayerCount).ToArray();
        var cell = HeatmapLayout.For(maps.QueryTokens, maps.KeyTokens, compact: true);
        var multiplot = new Multiplot();
        var plots = new List<Plot>();
        foreach (int row in layers)
            for (int head = 0; head < maps.HeadCount; head++)
            {
                var weights = maps.Weights(row, head);
                float max = weights.Cast<float>().DefaultIfEmpty(0).Max();
                plots.Add(HeatmapPlot.Create(weights, maps.QueryTokens, maps.KeyTokens, $"layer {row} · head {head} · max {max:F2}", cell));
            }
        try
        {
            multiplot.Reset(plots[0]);
            foreach (var plot in plots.Skip(1))
                multiplot.AddPlot(plot);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(layers.Length, maps.HeadCount);
            var (width, height) = GridSize(cell, layers.Length, maps.HeadCount);
            byte[] png = multiplot.Render(width, height).GetImageBytes(ImageFormat.Png, 100);
            AtomicFile.Write(path, s => s.Write(png));
        }
        finally
        {
            foreach (var plot in plots) plot.Dispose();
        }
    }

    /// <summary>The pixel size of a grid of <paramref name="rows"/> × <paramref name="columns"/> compact heatmaps.</summary>
    internal static (int Width, int Height) GridSize(HeatmapLayout cell, int rows, int columns) => (cell.Width * columns, cell.Height * rows);

    private static string Describe(Modeling.AttentionKind kind) => kind switch
    {
        Modeling.AttentionKind.EncoderSelf => "encoder self-attention",
        Modeling.AttentionKind.DecoderSelf => "decoder self-attention",
        _ => "cross-attention",
    };

    private static void Check(float[,] weights, IReadOnlyList<string> queryTokens, IReadOnlyList<string> keyTokens)
    {
        ArgumentNullException.ThrowIfNull(queryTokens);
        ArgumentNullException.ThrowIfNull(keyTokens);
        if (weights.GetLength(0) != queryTokens.Count || weights.GetLength(1) != keyTokens.Count)
            throw new ArgumentException($"The matrix is {weights.GetLength(0)} × {weights.GetLength(1)} but there are {queryTokens.Count} query and {keyTokens.Count} key tokens.", nameof(weights));
        if (queryTokens.Count == 0 || keyTokens.Count == 0)
            throw new ArgumentException("There is nothing to draw: no tokens.", nameof(weights));
    }
}
