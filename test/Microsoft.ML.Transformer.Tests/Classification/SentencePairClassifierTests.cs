using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>The classifier's sentence-pair path (<c>SecondTextColumnName</c>) trained, not only encoded.</summary>
[TestClass]
public sealed class SentencePairClassifierTests
{
    private static readonly string[] Foods = ["Italian", "Chinese", "Indian", "French", "Greek"];

    private sealed class Row
    {
        public string First { get; set; } = "";
        public string Second { get; set; } = "";
        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public bool Label { get; set; }
        public bool PredictedLabel { get; set; }
    }

    /// <summary>Generated description pairs labelled "they name the same food": true for about half of them.</summary>
    private static Row[] Rows(int count, int seed) => SimilarPairs.Generate(count, seed)
        .Select(p => new Row { First = p.First, Second = p.Second, Label = Food(p.First) == Food(p.Second) })
        .ToArray();

    private static string Food(string text) => Foods.Single(f => text.Contains(f, StringComparison.Ordinal));

    [TestMethod]
    public void LearnsWhetherTwoTextsNameTheSameFood()
    {
        var ml = new MLContext(1);
        var options = ClassifierFixture.TinyOptions(seed: 1, epochs: 30);
        options.TextColumnName = "First";
        options.SecondTextColumnName = "Second";
        options.Model = options.Model! with { Heads = 4 };
        var train = Rows(1200, seed: 10);
        var model = ml.BinaryClassification.Trainers.TransformerClassifier(options).Fit(ml.Data.LoadFromEnumerable(train));

        var testRows = Rows(400, seed: 20);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(testRows)));
        double majority = Math.Max(testRows.Count(r => r.Label), testRows.Count(r => !r.Label)) / (double)testRows.Length;
        Console.WriteLine($"accuracy {metrics.Accuracy:F4} AUC {metrics.AreaUnderRocCurve:F4} majority {majority:F4}");
        // Either text alone says nothing of the label: only a network that compares the two sides beats the majority.
        Assert.IsGreaterThanOrEqualTo(majority + 0.1, metrics.Accuracy, "the pair is read across the separator");
        Assert.IsGreaterThanOrEqualTo(0.65, metrics.AreaUnderRocCurve);

        // Swapping the texts keeps the label; a model that learned the comparison mostly agrees with itself.
        var swapped = testRows.Select(r => new Row { First = r.Second, Second = r.First, Label = r.Label }).ToArray();
        var a = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(testRows)), false).ToArray();
        var b = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(swapped)), false).ToArray();
        Assert.IsGreaterThanOrEqualTo(0.6, a.Zip(b).Count(p => p.First.PredictedLabel == p.Second.PredictedLabel) / (double)a.Length);
    }
}
