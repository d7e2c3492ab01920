using System.Buffers.Binary;
using Microsoft.ML.Transformer.Interpretability;

namespace Microsoft.ML.Transformer.Tests.Interpretability;

[TestClass]
public sealed class AttentionHeatmapTests
{
    /// <summary>Checks the PNG signature and returns the width and height of its IHDR chunk.</summary>
    internal static (int Width, int Height) PngSize(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.AreEqual("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static AttentionMaps SixtyFourTokens()
    {
        string text = string.Join(" ", Enumerable.Repeat("my card has not arrived yet and I need it for the trip", 8));
        var maps = AttentionExplainer.Explain(AttentionTestModels.Classifier.Model, text).EncoderSelf!;
        Assert.HasCount(64, maps.QueryTokens, "cut at the network's maximum length");
        return maps;
    }

    [TestMethod]
    public void OneHeadOfSixtyFourTokensIsAReadablePngOfTheExpectedSize()
    {
        var maps = SixtyFourTokens();
        string dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir, "head.png");
        AttentionHeatmap.SaveHead(maps, layer: 1, head: 0, path);

        var layout = HeatmapLayout.For(maps.QueryTokens, maps.KeyTokens);
        Assert.AreEqual(12, layout.Cell, "64 tokens: 12-pixel cells");
        Assert.AreEqual((layout.Width, layout.Height), PngSize(path));
        Assert.IsGreaterThanOrEqualTo(64 * 12 + 2 * 60, layout.Width, "cells plus room for labels");
        Assert.IsGreaterThan(20_000, new FileInfo(path).Length, "a heatmap with 128 labels, not a blank image");
        CollectionAssert.AreEqual(new[] { "head.png" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray(), "no temporary file left");
    }

    [TestMethod]
    public void GridAndRolloutViews()
    {
        var maps = AttentionExplainer.Explain(AttentionTestModels.Classifier.Model, "please block my card, I think I lost it").EncoderSelf!;
        string dir = TestPaths.NewTempDir();

        string grid = Path.Combine(dir, "grid.png");
        AttentionHeatmap.SaveGrid(maps, grid);
        var cell = HeatmapLayout.For(maps.QueryTokens, maps.KeyTokens, compact: true);
        Assert.AreEqual(AttentionHeatmap.GridSize(cell, rows: 2, columns: 2), PngSize(grid), "2 layers × 2 heads");

        string oneLayer = Path.Combine(dir, "layer1.png");
        AttentionHeatmap.SaveGrid(maps, oneLayer, layer: 1);
        Assert.AreEqual(AttentionHeatmap.GridSize(cell, rows: 1, columns: 2), PngSize(oneLayer));

        string rollout = Path.Combine(dir, "rollout.png");
        AttentionHeatmap.SaveRollout(maps, rollout);
        var layout = HeatmapLayout.For(maps.QueryTokens, maps.KeyTokens);
        Assert.AreEqual((layout.Width, layout.Height), PngSize(rollout));

        var e = Assert.Throws<ArgumentException>(() => AttentionHeatmap.SaveMatrix(new float[2, 3], ["a", "b"], ["a", "b"], "x", Path.Combine(dir, "bad.png")));
        StringAssert.Contains(e.Message, "2 × 3");
    }

    [TestMethod]
    public void LabelsShowWhitespaceAndStayShort()
    {
        Assert.AreEqual("▁card", HeatmapLayout.Display(" card"));
        Assert.AreEqual("↵", HeatmapLayout.Display("\n"));
        Assert.AreEqual("<cls>", HeatmapLayout.Display("<cls>"));
        Assert.AreEqual(18, HeatmapLayout.Display(new string('x', 40)).Length);
    }
}
