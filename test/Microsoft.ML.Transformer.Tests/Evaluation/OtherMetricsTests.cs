using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

[TestClass]
public sealed class OtherMetricsTests
{
    [TestMethod]
    public void ChrF_MatchesTheSacreBleuReadme() =>
        // sacreBLEU README: chrF2 = 59.73 (see BleuTests.SacreBleuReadme).
        Assert.AreEqual(59.73, Math.Round(GenerationMetrics.CorpusChrF(BleuTests.SacreBleuReadme), 2));

    [TestMethod]
    public void ChrF_HandComputed()
    {
        // "abc" vs "abd": 1-grams 2 of 3 both ways, 2-grams 1 of 2, 3-grams 0 of 1; orders 4-6 absent on both sides.
        // P = R = (2/3 + 1/2 + 0)/3 = 0.38889, and F_β = P when P = R.
        Assert.AreEqual(38.88889, GenerationMetrics.SentenceChrF("abc", ["abd"]), 1e-4);
        // "ab" vs "abcd": P = (2/2 + 1/1)/2 = 1 over the 2 orders the hypothesis has, R = (2/4 + 1/3)/2 = 0.41667;
        // F2 = 5·P·R / (4P + R) = 47.170: recall weighs four times as much as precision.
        Assert.AreEqual(47.16981, GenerationMetrics.SentenceChrF("ab", ["abcd"]), 1e-4);
        // Whitespace is removed before counting.
        Assert.AreEqual(100.0, GenerationMetrics.SentenceChrF("a b\tc", ["abc"]), 1e-9);
        // A character outside the BMP is one character (as in Python): "😀x" has 2 unigrams and 1 bigram.
        Assert.AreEqual(100.0, GenerationMetrics.SentenceChrF("😀x", ["😀x"]), 1e-9);
    }

    [TestMethod]
    public void ChrF_Corpus_SumsStatistics_AndTakesTheBestReference()
    {
        // ("ab","ab") + ("abc","abd"): summed per order 1: 4 matches of 5 both ways; 2: 2 of 3; 3: 0 of 1.
        // P = R = (0.8 + 0.6667 + 0)/3 = 48.889, not the mean of the sentence scores (100 and 38.9).
        Assert.AreEqual(48.88889, GenerationMetrics.CorpusChrF([("ab", ["ab"]), ("abc", ["abd"])]), 1e-4);
        Assert.AreEqual(100.0, GenerationMetrics.SentenceChrF("abc", ["xyz", "abc"]), 1e-9);
    }

    [TestMethod]
    public void RougeL_HandComputed_AndMultiReference()
    {
        // Tokens: the cat sat on the mat / the cat is on the mat: LCS "the cat on the mat" = 5, P = R = 5/6.
        Assert.AreEqual(500.0 / 6, GenerationMetrics.RougeL([("the cat sat on the mat", ["The cat is on the mat."])]), 1e-9);
        // LCS 2 ("a c") of 3 and 4 tokens: P = 2/3, R = 1/2, F1 = 4/7; the other reference is worse.
        Assert.AreEqual(400.0 / 7, GenerationMetrics.RougeL([("a b c", ["x y z", "a x c y"])]), 1e-9);
        Assert.AreEqual(3, RougeL.LongestCommonSubsequence(["a", "b", "c", "d"], ["b", "x", "c", "d"]));
        Assert.AreEqual(0.0, GenerationMetrics.RougeL([("", ["a b"])]));
    }

    [TestMethod]
    public void ExactMatch_TrimsAndOptionallyIgnoresCase()
    {
        (string, IReadOnlyList<string>)[] rows = [(" Paris ", ["Paris"]), ("paris", ["Lyon", "Paris"]), ("Rome", ["Milan"]), ("", [""])];
        Assert.AreEqual(50.0, GenerationMetrics.ExactMatch(rows));
        Assert.AreEqual(75.0, GenerationMetrics.ExactMatch(rows, ignoreCase: true));
    }

    [TestMethod]
    public void Evaluate_ReturnsEveryMetric_WithLossWhenGiven()
    {
        var loss = new LossAccumulator();
        loss.Add(10, 4);
        loss.Add(2, 1);
        var metrics = GenerationMetrics.Evaluate(BleuTests.SacreBleuReadme, loss: loss);
        Assert.AreEqual(3, metrics.Count);
        Assert.AreEqual(48.53, Math.Round(metrics.Bleu, 2));
        Assert.AreEqual(59.73, Math.Round(metrics.ChrF, 2));
        Assert.AreEqual(100.0 / 3, metrics.ExactMatch, 1e-9);
        Assert.IsTrue(metrics.RougeL is > 33 and < 100);
        Assert.AreEqual(2.4, metrics.Loss!.Value, 1e-12);
        Assert.AreEqual(Math.Exp(2.4), metrics.Perplexity!.Value, 1e-9);
        Assert.IsNull(GenerationMetrics.Evaluate(BleuTests.SacreBleuReadme).Loss);
    }

    [TestMethod]
    public void EmptyHypothesis_ScoresZero()
    {
        var metrics = GenerationMetrics.Evaluate([("", ["the cat"])]);
        Assert.AreEqual(0.0, metrics.Bleu);
        Assert.AreEqual(0.0, metrics.ChrF);
        Assert.AreEqual(0.0, metrics.RougeL);
        Assert.AreEqual(0.0, metrics.ExactMatch);
        Assert.AreEqual(0L, metrics.BleuDetails.HypothesisLength);
        Assert.AreEqual(2L, metrics.BleuDetails.ReferenceLength);
    }

    [TestMethod]
    public void InvalidCorpora_ThrowClearly()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GenerationMetrics.Evaluate([])).Message, "corpus is empty");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GenerationMetrics.CorpusBleu([("a", [])])).Message, "Row 0: at least one reference");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GenerationMetrics.RougeL([("a", ["a"]), (null!, ["a"])])).Message, "Row 1");
        Assert.ThrowsExactly<InvalidOperationException>(() => new LossAccumulator().Loss);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LossAccumulator().Add(-1, 1));
    }
}
