using Microsoft.ML.Transformer.Tests.MLNet;

namespace Microsoft.ML.Transformer.Tests.Tagging;

/// <summary>Saved entity taggers: a zip that another process, naming no library type, loads with plain <c>Model.Load</c>.</summary>
[TestClass]
public sealed class SavedTaggerTests
{
    [TestMethod]
    public void SeparateProcessLoadsWithPlainModelLoadAndTagsIdentically()
    {
        var t = TaggerFixture.Model;
        string dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir, "tagger.zip");
        // The tagger alone: the chain's MapValueToKey wants the training labels, which a served text does not have.
        var tagger = ((IEnumerable<ITransformer>)t.Model).Last();
        t.Ml.Model.Save(tagger, t.Test.Schema, path);
        var rows = t.TestRows.Take(20).ToArray();
        string tsv = Path.Combine(dir, "rows.tsv");
        File.WriteAllLines(tsv, rows.Select(r => r.Text).Prepend("Text"));

        var lines = ModelLoadProbeRunner.Run(path, tsv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = t.Ml.Data.CreateEnumerable<TaggerFixture.Prediction>(tagger.Transform(t.Ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            CollectionAssert.Contains(lines, $"transform {i} PredictedLabel={string.Join(",", expected[i].PredictedLabel)}", $"row {i}");
            CollectionAssert.Contains(lines, $"transform {i} EntityStart={string.Join(",", expected[i].EntityStart)}", $"row {i}");
            CollectionAssert.Contains(lines, $"engine {i} Entities={string.Join(" | ", expected[i].Entities)}", $"PredictionEngine row {i}");
        }
    }
}
