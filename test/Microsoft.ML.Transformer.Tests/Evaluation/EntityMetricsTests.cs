using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>Entity chunks and CoNLL scores, checked against cases worked out by hand.</summary>
[TestClass]
public sealed class EntityMetricsTests
{
    private static string Show(IEnumerable<EntityChunk> chunks) => string.Join(" ", chunks.Select(c => $"{c.Type}@{c.FirstWord}+{c.WordCount}"));

    [TestMethod]
    [DataRow("B-PER I-PER O B-LOC B-LOC I-LOC", "PER@0+2 LOC@3+1 LOC@4+2", DisplayName = "BIO: B starts a new entity even after one of its type")]
    [DataRow("O I-PER I-PER O", "PER@1+2", DisplayName = "I after O starts an entity, as conlleval reads it")]
    [DataRow("B-PER I-LOC I-LOC", "PER@0+1 LOC@1+2", DisplayName = "I of another type starts an entity")]
    [DataRow("I-food I-food O I-area", "food@0+2 area@3+1", DisplayName = "IO with prefixes")]
    [DataRow("name name O food", "name@0+2 food@3+1", DisplayName = "IO with bare types")]
    [DataRow("O O", "", DisplayName = "no entity")]
    [DataRow("O B-X", "X@1+1", DisplayName = "an entity at the end is closed")]
    public void ChunksFollowConllRules(string labels, string expected)
    {
        Assert.AreEqual(expected, Show(EntitySpans.Chunks(labels.Split(' '))));
    }

    [TestMethod]
    public void ScoresCountOnlyExactSpanAndTypeMatches()
    {
        // Row 1: expected PER(0,2) LOC(3,1); predicted PER(0,1) LOC(3,1): LOC is right, PER's span is not.
        // Row 2: expected MISC(1,1); predicted PER(0,2): nothing right.
        // Overall: 3 expected, 3 predicted, 1 correct → P = R = F1 = 1/3.
        var metrics = EntityMetrics.Compute(
        [
            (Split("B-PER I-PER O B-LOC"), Split("B-PER O O B-LOC")),
            (Split("O B-MISC"), Split("B-PER I-PER")),
        ]);
        Assert.AreEqual(new EntityScores(1.0 / 3, 1.0 / 3, 1.0 / 3, 3, 3, 1), metrics.Overall);
        Assert.AreEqual(new EntityScores(0, 0, 0, 1, 2, 0), metrics.PerType["PER"]);
        Assert.AreEqual(new EntityScores(1, 1, 1, 1, 1, 1), metrics.PerType["LOC"]);
        Assert.AreEqual(new EntityScores(0, 0, 0, 1, 0, 0), metrics.PerType["MISC"]);
        Assert.AreEqual(2, metrics.Rows);
    }

    [TestMethod]
    public void PrecisionAndRecallDifferWhenCountsDo()
    {
        // Expected X(0,1) Y(2,1); predicted X(0,1) only: P = 1/1, R = 1/2, F1 = 2·1·0.5/1.5 = 2/3.
        var metrics = EntityMetrics.Compute([(Split("B-X O B-Y"), Split("B-X O O"))]);
        Assert.AreEqual(1.0, metrics.Overall.Precision);
        Assert.AreEqual(0.5, metrics.Overall.Recall);
        Assert.AreEqual(2.0 / 3, metrics.Overall.F1, 1e-12);
    }

    [TestMethod]
    public void RowsOfDifferentLengthsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => EntityMetrics.Compute([(Split("O O"), Split("O"))]));
        StringAssert.Contains(e.Message, "Row 0 has 2 expected labels but 1 predicted");
    }

    [TestMethod]
    public void EvaluateReadsKeyVectorsByTheirOwnKeyValues()
    {
        // The two columns are mapped to keys separately, so one label has a different key in each: names decide.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new LabelRow { Expected = Split("B-PER I-PER O B-LOC"), Predicted = Split("B-LOC O O B-LOC") },
            new LabelRow { Expected = Split("O B-MISC"), Predicted = Split("O B-MISC") },
        });
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", nameof(LabelRow.Expected))
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", nameof(LabelRow.Predicted)))
            .Fit(data).Transform(data);
        var metrics = EntityMetrics.Evaluate(keyed);
        // Expected PER LOC MISC; predicted LOC(0,1) LOC(3,1) MISC(1,1): 2 correct of 3 and 3.
        Assert.AreEqual(new EntityScores(2.0 / 3, 2.0 / 3, 2.0 / 3, 3, 3, 2), metrics.Overall);
    }

    [TestMethod]
    public void EvaluateNamesAColumnThatIsNotAKeyVector()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new LabelRow { Expected = ["O"], Predicted = ["O"] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => EntityMetrics.Evaluate(data, nameof(LabelRow.Expected), nameof(LabelRow.Predicted)));
        StringAssert.Contains(e.Message, "'Expected' must be a vector of keys");
    }

    private static string[] Split(string labels) => labels.Split(' ');

    private sealed class LabelRow
    {
        public string[] Expected { get; set; } = [];
        public string[] Predicted { get; set; } = [];
    }
}
