using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.QuestionAnswering;

[TestClass]
public sealed class QuestionAnswererTests
{
    [TestMethod]
    public void LearnsToFindTheAnswerTheQuestionAsksFor()
    {
        var t = QaFixture.Model;
        var metrics = QuestionAnsweringMetrics.Evaluate(t.Model.Transform(t.Test));
        Console.WriteLine($"exact match {metrics.ExactMatch:F4}, token F1 {metrics.F1:F4} over {metrics.Rows} rows");
        // Four facts a context, names and nearby places from one list: picking a fact at random would score about 0.25.
        // The tiny network finds the right fact far more often than it finds both its ends exactly, hence F1 above EM.
        Assert.IsGreaterThanOrEqualTo(0.55, metrics.ExactMatch);
        Assert.IsGreaterThanOrEqualTo(0.7, metrics.F1);
        Assert.AreEqual(200, metrics.Rows);
    }

    [TestMethod]
    public void AnswersAreSpansOfTheContextBestFirst()
    {
        var t = QaFixture.Model;
        var predictions = t.Ml.Data.CreateEnumerable<QaFixture.Prediction>(t.Model.Transform(t.Test), false).ToArray();
        int rightStart = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            var (row, p) = (t.TestRows[i], predictions[i]);
            Assert.AreEqual(p.PredictedAnswer, row.Context.Substring(p.PredictedAnswerStart, p.PredictedAnswer.Length), $"row {i}");
            Assert.HasCount(3, p.TopAnswers, $"row {i}: TopK 3");
            Assert.AreEqual(p.PredictedAnswer, p.TopAnswers[0], $"row {i}");
            Assert.AreEqual(p.Score, p.TopScores[0], $"row {i}");
            for (int k = 0; k < 3; k++)
                Assert.AreEqual(p.TopAnswers[k], row.Context.Substring(p.TopAnswerStarts[k], p.TopAnswers[k].Length), $"row {i} answer {k}");
            Assert.IsTrue(p.TopScores.Zip(p.TopScores.Skip(1)).All(s => s.First >= s.Second), $"row {i}: best first");
            Assert.IsTrue(p.Score > 0 && p.Score <= 1, $"row {i}: score {p.Score}");
            if (p.PredictedAnswerStart == row.AnswerStart) rightStart++;
        }
        Assert.IsGreaterThanOrEqualTo(0.6 * predictions.Length, rightStart, "most answers start where the gold answer does");
    }

    [TestMethod]
    public void AContextOfManyWindowsIsReadInFull()
    {
        // Up to 14 more sentences that answer nothing: the fact is often windows away from the start.
        var t = QaFixture.Model;
        var rows = RestaurantQuestions.Generate(60, seed: TestSeed.Shift(77), fillers: 14);
        var predictions = t.Ml.Data.CreateEnumerable<QaFixture.Prediction>(t.Model.Transform(t.Ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        var far = Enumerable.Range(0, rows.Length).Where(i => rows[i].AnswerStart > 150).ToArray();
        Assert.IsGreaterThanOrEqualTo(10, far.Length, "the data puts many answers past the first window");
        int right = far.Count(i => predictions[i].PredictedAnswerStart == rows[i].AnswerStart);
        Console.WriteLine($"answers past character 150: {right} of {far.Length} found at their start");
        Assert.IsGreaterThanOrEqualTo(0.5 * far.Length, right, "answers in later windows are found, at their characters in the whole context");
    }

    [TestMethod]
    public void PredictionEngineMatchesTransform()
    {
        var t = QaFixture.Model;
        var batch = t.Ml.Data.CreateEnumerable<QaFixture.Prediction>(t.Model.Transform(t.Test), false).Take(20).ToArray();
        using var engine = t.Ml.Model.CreatePredictionEngine<AnsweredQuestion, QaFixture.Prediction>(t.Model);
        for (int i = 0; i < batch.Length; i++)
        {
            var one = engine.Predict(t.TestRows[i]);
            Assert.AreEqual(batch[i].PredictedAnswer, one.PredictedAnswer, $"row {i}");
            Assert.AreEqual(batch[i].PredictedAnswerStart, one.PredictedAnswerStart, $"row {i}");
            CollectionAssert.AreEqual(batch[i].TopAnswerStarts, one.TopAnswerStarts, $"row {i}");
            Assert.AreEqual(batch[i].Score, one.Score, 1e-5f, $"row {i}");
        }
    }

    [TestMethod]
    public void AnEmptyContextHasNoAnswer()
    {
        var t = QaFixture.Model;
        using var engine = t.Ml.Model.CreatePredictionEngine<AnsweredQuestion, QaFixture.Prediction>(t.Model);
        var p = engine.Predict(new AnsweredQuestion { Context = "  ", Question = "Where is Zizzi?" });
        Assert.AreEqual("", p.PredictedAnswer);
        Assert.AreEqual(-1, p.PredictedAnswerStart);
        Assert.AreEqual(0f, p.Score);
        Assert.IsEmpty(p.TopAnswers);
    }
}
