using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>Pearson and Spearman against values worked out by hand.</summary>
[TestClass]
public sealed class CorrelationMetricsTests
{
    [TestMethod]
    public void PearsonOfHandWorkedSeries()
    {
        // x = 1,2,3,4; y = 2,1,4,3: means 2.5; Σdxdy = 2.25-0.75-0.75+2.25... worked: dx = -1.5,-.5,.5,1.5; dy = -.5,-1.5,1.5,.5
        // Σdxdy = .75+.75+.75+.75 = 3; Σdx² = Σdy² = 5; r = 3/5.
        var m = CorrelationMetrics.Compute([1, 2, 3, 4], [2, 1, 4, 3]);
        Assert.AreEqual(0.6, m.Pearson, 1e-12);
        Assert.AreEqual(0.6, m.Spearman, 1e-12, "already ranks");
        Assert.AreEqual(4, m.Count);
        Assert.AreEqual(-1.0, CorrelationMetrics.Compute([1, 2, 3], [9, 6, 3]).Pearson, 1e-12);
    }

    [TestMethod]
    public void SpearmanIsPearsonOfRanksWithTiesAveraged()
    {
        // Scores 10, 20, 20, 1000 rank 1, 2.5, 2.5, 4; labels 1, 2, 3, 4. Rank means 2.5: dx = -1.5,0,0,1.5; dy = -1.5,-.5,.5,1.5
        // Σdxdy = 2.25+0+0+2.25 = 4.5; Σdx² = 4.5; Σdy² = 5; ρ = 4.5/√22.5 = 0.948683...
        var m = CorrelationMetrics.Compute([1, 2, 3, 4], [10, 20, 20, 1000]);
        Assert.AreEqual(4.5 / Math.Sqrt(22.5), m.Spearman, 1e-12);
        Assert.IsLessThan(m.Spearman, m.Pearson, "the outlier weighs on Pearson, not on ranks");
    }

    [TestMethod]
    public void ConstantSeriesHasNoCorrelationAndLengthsMustAgree()
    {
        Assert.IsTrue(double.IsNaN(CorrelationMetrics.Compute([1, 1, 1], [1, 2, 3]).Pearson));
        Assert.IsTrue(double.IsNaN(CorrelationMetrics.Compute([1, 1, 1], [1, 2, 3]).Spearman));
        var e = Assert.Throws<ArgumentException>(() => CorrelationMetrics.Compute([1, 2], [1]));
        StringAssert.Contains(e.Message, "2 labels but 1 scores");
    }

    [TestMethod]
    public void ReadsColumnsOfADataViewAndNamesAMissingOne()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new Row(1, 2), new Row(2, 1), new Row(3, 4), new Row(4, 3) });
        Assert.AreEqual(0.6, CorrelationMetrics.Evaluate(data).Pearson, 1e-6);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CorrelationMetrics.Evaluate(data, scoreColumnName: "Prediction"));
        StringAssert.Contains(e.Message, "Score column 'Prediction'");
    }

    private sealed record Row(float Label, float Score);
}
