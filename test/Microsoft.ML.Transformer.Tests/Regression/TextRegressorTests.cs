using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Regression;

[TestClass]
public sealed class TextRegressorTests
{
    [TestMethod]
    public void LearnsGradedSimilarityOfPairsAndEvaluatesWithMLNetsOwnEvaluator()
    {
        var t = RegressorFixture.Model;
        var scored = t.Model.Transform(t.Test);
        var metrics = t.Ml.Regression.Evaluate(scored);
        var correlation = CorrelationMetrics.Evaluate(scored);
        Console.WriteLine($"RMSE {metrics.RootMeanSquaredError:F4} R² {metrics.RSquared:F4} Pearson {correlation.Pearson:F4} Spearman {correlation.Spearman:F4}");
        // Either text alone says nothing of the similarity (every fact value is as likely in both): a model that does
        // not read across the separator scores R² ≤ 0 and no correlation. The tiny network reached Pearson 0.41–0.43.
        Assert.IsGreaterThanOrEqualTo(0.25, correlation.Pearson, "the share of agreeing facts is read from the pair");
        Assert.IsGreaterThanOrEqualTo(0.25, correlation.Spearman);
        Assert.IsGreaterThanOrEqualTo(0.05, metrics.RSquared);
        Assert.AreEqual(400, correlation.Count);
    }

    [TestMethod]
    public void ScoreColumnLooksLikeMLNetsOwnRegressors()
    {
        var t = RegressorFixture.Model;
        var score = t.Model.Transform(t.Test).Schema["Score"];
        Assert.AreEqual(NumberDataViewType.Single, score.Type);
        ReadOnlyMemory<char> kind = default;
        score.Annotations.GetValue("ScoreColumnKind", ref kind);
        Assert.AreEqual("Regression", kind.ToString());
    }

    [TestMethod]
    public void PredictionEngineMatchesTransform()
    {
        var t = RegressorFixture.Model;
        var batch = t.Ml.Data.CreateEnumerable<RegressorFixture.Prediction>(t.Model.Transform(t.Test), false).Take(30).ToArray();
        using var engine = t.Ml.Model.CreatePredictionEngine<RegressorFixture.Row, RegressorFixture.Prediction>(t.Model);
        for (int i = 0; i < batch.Length; i++)
            Assert.AreEqual(batch[i].Score, engine.Predict(t.TestRows[i]).Score, 1e-4, $"row {i}: one row and a padded batch take differently shaped products");
    }
}
