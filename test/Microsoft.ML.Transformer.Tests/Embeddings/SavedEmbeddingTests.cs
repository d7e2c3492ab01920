using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Embeddings;

/// <summary>Saved embedding transforms: self-contained zips, loaded here and in a process that never names a library type.</summary>
[TestClass]
public sealed class SavedEmbeddingTests
{
    private static (ITransformer Model, string Path) SavePipeline()
    {
        var t = ClassifierFixture.Model;
        var model = t.Ml.Transforms.Text.TransformerEmbeddings(new TextEmbeddingOptions
        {
            OutputColumnName = "Score", // the probe prints a column named Score from its PredictionEngine too
            InputColumnName = "Text",
            BaseModel = t.Model,
            Normalize = true,
            ScoringBatchSize = 7,
        }).Fit(t.Test);
        string path = System.IO.Path.Combine(TestPaths.NewTempDir(), "embeddings.zip");
        t.Ml.Model.Save(model, t.Test.Schema, path);
        return (model, path);
    }

    private sealed class Vector
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void ReloadedTransformGivesIdenticalVectors()
    {
        var t = ClassifierFixture.Model;
        var (model, path) = SavePipeline();
        var ml = new MLContext(3);
        var loaded = ml.Model.Load(path, out _);
        var embedding = loaded is TransformerChain<ITransformer> chain ? chain.Last() : loaded;
        Assert.IsInstanceOfType<TextEmbeddingTransformer>(embedding);
        Assert.IsTrue(((TextEmbeddingTransformer)embedding).IsNormalized);

        var before = t.Ml.Data.CreateEnumerable<Vector>(model.Transform(t.Test), false).ToArray();
        var after = ml.Data.CreateEnumerable<Vector>(loaded.Transform(t.Test), false).ToArray();
        Assert.HasCount(before.Length, after);
        for (int i = 0; i < before.Length; i++)
            CollectionAssert.AreEqual(before[i].Score, after[i].Score, $"row {i}");
    }

    [TestMethod]
    public void SeparateProcessLoadsWithPlainModelLoadAndEmbedsIdentically()
    {
        var t = ClassifierFixture.Model;
        var (model, path) = SavePipeline();
        string texts = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "rows.tsv");
        var rows = t.TestRows.Take(12).ToArray();
        File.WriteAllLines(texts, rows.Select(r => r.Text.Replace('\t', ' ')).Prepend("Text"));

        string output = Microsoft.ML.Transformer.Tests.MLNet.ModelLoadProbeRunner.Run(path, texts);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = t.Ml.Data.CreateEnumerable<Vector>(model.Transform(t.Ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.Contains(lines, $"transform {i} Score={Show(expected[i].Score)}", $"Transform row {i}");
        Assert.AreEqual(expected.Length, lines.Count(l => l.StartsWith("engine ", StringComparison.Ordinal)), "the other process's PredictionEngine embedded every row");
    }

    private static string Show(float[] xs) => string.Join(",", xs.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
}
