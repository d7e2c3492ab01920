using System.Globalization;
using Microsoft.ML.Transformer.Tests.MLNet;

namespace Microsoft.ML.Transformer.Tests.QuestionAnswering;

/// <summary>Saved question answerers: a zip that another process, naming no library type, loads with plain <c>Model.Load</c>.</summary>
[TestClass]
public sealed class SavedQuestionAnswererTests
{
    [TestMethod]
    public void SeparateProcessLoadsWithPlainModelLoadAndAnswersIdentically()
    {
        var t = QaFixture.Model;
        string dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir, "answerer.zip");
        t.Ml.Model.Save(t.Model, t.Test.Schema, path);
        var rows = t.TestRows.Take(20).ToArray();
        string tsv = Path.Combine(dir, "rows.tsv");
        File.WriteAllLines(tsv, rows.Select(r => $"{r.Context}\t{r.Question}").Prepend("Context\tQuestion"));

        var lines = ModelLoadProbeRunner.Run(path, tsv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = t.Ml.Data.CreateEnumerable<QaFixture.Prediction>(t.Model.Transform(t.Ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var e = expected[i];
            CollectionAssert.Contains(lines, $"transform {i} PredictedAnswer={e.PredictedAnswer}", $"row {i}");
            CollectionAssert.Contains(lines, $"transform {i} PredictedAnswerStart={e.PredictedAnswerStart}", $"row {i}");
            CollectionAssert.Contains(lines, $"transform {i} Score={e.Score.ToString("R", CultureInfo.InvariantCulture)}", $"row {i}: the same score, bitwise");
            CollectionAssert.Contains(lines, $"engine {i} PredictedAnswer={e.PredictedAnswer} start {e.PredictedAnswerStart} " +
                $"score {e.Score.ToString("R", CultureInfo.InvariantCulture)} top {string.Join(" | ", e.TopAnswers)}", $"PredictionEngine row {i}");
        }
        Directory.Delete(dir, recursive: true);
    }
}
