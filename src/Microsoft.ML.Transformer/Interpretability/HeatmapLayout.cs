using ScottPlot;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// The geometry of an attention heatmap: square cells whose size follows the token count (large for short inputs,
/// 12 pixels at 64 tokens so every label stays legible), margins wide enough for the longest token label (rotated on
/// the key axis), a title band and room for the colour bar. Token labels show spaces as '▁' and line breaks as '↵',
/// and are cut at 18 characters.
/// </summary>
internal sealed record HeatmapLayout(int Cell, float FontSize, int LabelMargin, int Queries, int Keys, bool ColorBar)
{
    private const int TitleBand = 40;
    private const int ColorBarBand = 110;
    private const int AxisTitle = 36;
    private const int Gap = 12;
    private const int MaxLabelLength = 18;

    /// <summary>The layout of one heatmap (<paramref name="compact"/>: a cell of a grid, about half the size).</summary>
    public static HeatmapLayout For(IReadOnlyList<string> queryTokens, IReadOnlyList<string> keyTokens, bool compact = false)
    {
        int longest = Math.Max(Math.Max(queryTokens.Count, keyTokens.Count), 1);
        int cell = compact ? Math.Clamp(384 / longest, 8, 24) : Math.Clamp(768 / longest, 12, 40);
        float font = Math.Clamp(cell - 1, 7, 13);
        var style = new LabelStyle { FontSize = font };
        using var paint = Paint.NewDisposablePaint();
        var labels = queryTokens.Concat(keyTokens).Select(Display).DefaultIfEmpty("").ToArray();
        int widest = (int)Math.Ceiling(style.MeasureWidestString(labels, paint).Item2.Length);
        return new HeatmapLayout(cell, font, widest + 8 + AxisTitle, queryTokens.Count, keyTokens.Count, !compact);
    }

    /// <summary>Pixels left of the data area (query labels) and below it (rotated key labels).</summary>
    public int Left => LabelMargin;

    public int Bottom => LabelMargin;

    public int Top => TitleBand;

    public int Right => ColorBar ? ColorBarBand : Gap;

    public int Width => Left + Keys * Cell + Right;

    public int Height => Top + Queries * Cell + Bottom;

    public PixelPadding Padding => new(Left, Right, Bottom, Top);

    /// <summary>A token as an axis label: whitespace made visible, control characters escaped, long tokens cut.</summary>
    public static string Display(string token)
    {
        var text = new System.Text.StringBuilder(token.Length);
        foreach (char c in token)
            text.Append(c switch
            {
                ' ' => "▁",
                '\n' => "↵",
                '\r' => "␍",
                '\t' => "⇥",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        string shown = text.ToString();
        return shown.Length <= MaxLabelLength ? shown : shown[..(MaxLabelLength - 1)] + "…";
    }
}
