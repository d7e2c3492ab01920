using System.Globalization;
using Microsoft.ML.Transformer.Tests.MLNet;

namespace Microsoft.ML.Transformer.Tests.Regression;

/// <summary>Saved regressors: a zip that another process, naming no library type, loads with plain <c>Model.Load</c>.</summary>
[TestClass]
public sealed class SavedRegressorTests
{
    [TestMethod]
    public void SeparateProcessLoadsWithPlainModelLoadAndScoresIdentically()
    {
        var t = RegressorFixture.Model;
        string dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir, "regressor.zip");
        t.Ml.Model.Save(t.Model, t.Train.Schema, path);
        var rows = t.TestRows.Take(20).ToArray();
        string tsv = Path.Combine(dir, "rows.tsv");
        File.WriteAllLines(tsv, rows.Select(r => r.First + "\t" + r.Second).Prepend("First\tSecond"));

        var lines = ModelLoadProbeRunner.Run(path, tsv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = t.Ml.Data.CreateEnumerable<RegressorFixture.Prediction>(t.Model.Transform(t.Ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        using var engine = t.Ml.Model.CreatePredictionEngine<RegressorFixture.Row, RegressorFixture.Prediction>(t.Model);
        for (int i = 0; i < rows.Length; i++)
        {
            CollectionAssert.Contains(lines, $"transform {i} Score={Show(expected[i].Score)}", $"Transform row {i}");
            CollectionAssert.Contains(lines, $"engine {i} Score={Show(engine.Predict(rows[i]).Score)}", $"PredictionEngine row {i}");
        }
    }

    [TestMethod]
    public void SavedRegressorServesAsABaseModelByPath()
    {
        // The base model gives the encoder and the tokenizer; the new regressor puts a fresh head on them.
        var t = RegressorFixture.Model;
        string path = Path.Combine(TestPaths.NewTempDir(), "regressor.zip");
        t.Ml.Model.Save(t.Model, t.Train.Schema, path);
        var options = RegressorFixture.TinyOptions(seed: 2, epochs: 1);
        options.BaseModelPath = path;
        var tuned = t.Ml.Regression.Trainers.TransformerRegressor(options).Fit(t.Ml.Data.LoadFromEnumerable(RegressorFixture.Rows(100, seed: 30)));
        var scores = t.Ml.Data.CreateEnumerable<RegressorFixture.Prediction>(tuned.Transform(t.Test), false).Select(p => p.Score).ToArray();
        Assert.HasCount(400, scores);
        Assert.IsTrue(scores.All(float.IsFinite), "every pair is scored");
        Assert.IsGreaterThan(1, scores.Distinct().Count(), "the scores depend on the pair");
    }

    private static string Show(float x) => x.ToString("R", CultureInfo.InvariantCulture);
}
