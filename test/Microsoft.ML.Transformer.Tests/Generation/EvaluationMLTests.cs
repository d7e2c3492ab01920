using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>
/// mlContext.TextGeneration().Evaluate on hand-made data views: the same figures as <see cref="GenerationMetrics"/>
/// called directly, with one reference per row (a text column) or several (a vector of text), and clear errors.
/// </summary>
[TestClass]
public sealed class EvaluationMLTests
{
    private sealed class SingleRow
    {
        public string Target { get; set; } = "";
        public string Generated { get; set; } = "";
    }

    private sealed class MultiRow
    {
        public string[] Refs { get; set; } = [];
        public string Output { get; set; } = "";
        public float Number { get; set; }
    }

    private static readonly (string Hypothesis, string[] References)[] Corpus =
    [
        ("the cat sat on the mat", ["the cat sat on the mat", "a cat was sitting on the mat"]),
        ("there is a dog in the garden", ["a dog is in the garden", "there is a dog in the yard", "in the garden, a dog"]),
        ("Hello, world!", ["Hello world!"]),
        ("", ["nothing at all", "nothing"]),
        ("2021-03-14", ["2021-03-14"]),
    ];

    [TestMethod]
    public void SingleReferenceColumnEqualsDirectMetrics()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Corpus.Select(c => new SingleRow { Target = c.References[0], Generated = c.Hypothesis }));

        var metrics = ml.TextGeneration().Evaluate(data);
        var expected = GenerationMetrics.Evaluate(Corpus.Select(c => (c.Hypothesis, (IReadOnlyList<string>)[c.References[0]])));

        AssertSame(expected, metrics);
        Assert.AreEqual(40.0, metrics.ExactMatch, 1e-9);   // the first row and the date
    }

    [TestMethod]
    public void ReferenceVectorColumnEqualsDirectMetrics()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Corpus.Select(c => new MultiRow { Refs = c.References, Output = c.Hypothesis }));
        Assert.IsInstanceOfType<VectorDataViewType>(data.Schema["Refs"].Type);

        var metrics = ml.TextGeneration().Evaluate(data, referenceColumnName: "Refs", generatedColumnName: "Output");
        var expected = GenerationMetrics.Evaluate(Corpus.Select(c => (c.Hypothesis, (IReadOnlyList<string>)c.References)));

        AssertSame(expected, metrics);
        Assert.AreEqual(40.0, metrics.ExactMatch, 1e-9);
        Assert.IsNull(metrics.Loss);
    }

    [TestMethod]
    public void BadColumnsAreNamed()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Corpus.Select(c => new MultiRow { Refs = c.References, Output = c.Hypothesis }));
        var catalog = ml.TextGeneration();

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.Evaluate(data, "Refs", "Generated"));
        StringAssert.Contains(missing.Message, "'Generated'");
        StringAssert.Contains(missing.Message, "'Output'");   // the available columns are listed
        var missingReference = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.Evaluate(data, generatedColumnName: "Output"));
        StringAssert.Contains(missingReference.Message, "'Target'");
        var numeric = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.Evaluate(data, "Number", "Output"));
        StringAssert.Contains(numeric.Message, "'Number'");
        var vectorHypothesis = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.Evaluate(data, "Refs", "Refs"));
        StringAssert.Contains(vectorHypothesis.Message, "Generated column 'Refs'");
    }

    [TestMethod]
    public void EmptyDataIsAnError()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Array.Empty<SingleRow>());
        Assert.ThrowsExactly<ArgumentException>(() => ml.TextGeneration().Evaluate(data));
    }

    private static void AssertSame(TextGenerationMetrics expected, TextGenerationMetrics actual)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        Assert.AreEqual(expected.Bleu, actual.Bleu, 1e-12);
        CollectionAssert.AreEqual(expected.BleuDetails.Precisions.ToArray(), actual.BleuDetails.Precisions.ToArray());
        Assert.AreEqual(expected.BleuDetails.ReferenceLength, actual.BleuDetails.ReferenceLength);
        Assert.AreEqual(expected.ChrF, actual.ChrF, 1e-12);
        Assert.AreEqual(expected.RougeL, actual.RougeL, 1e-12);
        Assert.AreEqual(expected.ExactMatch, actual.ExactMatch, 1e-12);
        Assert.IsGreaterThan(0.0, actual.Bleu);
    }
}
