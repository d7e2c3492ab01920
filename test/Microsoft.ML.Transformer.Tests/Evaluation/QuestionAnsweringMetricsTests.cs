using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>Exact match and token F1 on cases worked out by hand with SQuAD's rules.</summary>
[TestClass]
public sealed class QuestionAnsweringMetricsTests
{
    [TestMethod]
    public void NormalisationLowersAndDropsPunctuationArticlesAndExtraSpace()
    {
        Assert.AreEqual("eagle", QuestionAnsweringMetrics.Normalize("The Eagle"));
        Assert.AreEqual("café rouge", QuestionAnsweringMetrics.Normalize("  Café   Rouge. "));
        // Punctuation is dropped, not replaced by a space; the pound sign is outside ASCII, so it stays.
        Assert.AreEqual("£2025", QuestionAnsweringMetrics.Normalize("£20-25"));
    }

    [TestMethod]
    public void ArticlesInsideWordsStay()
    {
        Assert.AreEqual("theatre another", QuestionAnsweringMetrics.Normalize("the theatre another"));
        Assert.AreEqual("theatre", QuestionAnsweringMetrics.Normalize("An theatre, a"));
    }

    [TestMethod]
    public void ExactMatchComparesNormalisedTexts()
    {
        Assert.AreEqual(1, QuestionAnsweringMetrics.ExactMatchOf("the Eagle!", "Eagle"));
        Assert.AreEqual(0, QuestionAnsweringMetrics.ExactMatchOf("Eagle pub", "Eagle"));
    }

    [TestMethod]
    public void TokenF1CountsSharedWordsWithMultiplicity()
    {
        // predicted: city centre near river (4 words); gold: city centre (2): shared 2, P 2/4, R 2/2, F1 2/3.
        Assert.AreEqual(2.0 / 3, QuestionAnsweringMetrics.F1Of("the city centre near the river", "City Centre"), 1e-12);
        // predicted: a a b → a a b; gold: a b b → b b? "a" is an article: predicted "b", gold "b b": shared 1, P 1, R 1/2, F1 2/3.
        Assert.AreEqual(2.0 / 3, QuestionAnsweringMetrics.F1Of("a a b", "a b b"), 1e-12);
        // predicted: x y y; gold: y y z: shared 2 (both y), P 2/3, R 2/3.
        Assert.AreEqual(2.0 / 3, QuestionAnsweringMetrics.F1Of("x y y", "y y z"), 1e-12);
        Assert.AreEqual(0, QuestionAnsweringMetrics.F1Of("Italian", "French"));
        Assert.AreEqual(0, QuestionAnsweringMetrics.F1Of("", "French"));
        Assert.AreEqual(1, QuestionAnsweringMetrics.F1Of("the", "a"), "both normalise to nothing");
    }

    [TestMethod]
    public void EachRowTakesItsBestGoldAnswerAndRowsAreAveraged()
    {
        var metrics = QuestionAnsweringMetrics.Compute(
        [
            ("riverside", ["the riverside", "river side"]),   // EM 1, F1 1
            ("city centre", ["centre of the city"]),          // EM 0; shared city, centre: P 2/2, R 2/3 → F1 0.8
            ("cheap", ["expensive", "cheap food"]),           // EM 0; best F1 against "cheap food": P 1, R 1/2 → 2/3
        ]);
        Assert.AreEqual(3, metrics.Rows);
        Assert.AreEqual(1.0 / 3, metrics.ExactMatch, 1e-12);
        Assert.AreEqual((1 + 0.8 + 2.0 / 3) / 3, metrics.F1, 1e-12);
    }

    [TestMethod]
    public void EvaluateReadsOneOrSeveralGoldAnswersPerRow()
    {
        var ml = new MLContext(1);
        var one = ml.Data.LoadFromEnumerable(new[] { new Scalar { Answer = "The Mill", PredictedAnswer = "Mill" }, new Scalar { Answer = "Zizzi", PredictedAnswer = "Aromi" } });
        var m = QuestionAnsweringMetrics.Evaluate(one);
        Assert.AreEqual(0.5, m.ExactMatch, 1e-12);
        var several = ml.Data.LoadFromEnumerable(new[] { new Several { Answer = ["Aromi", "Zizzi"], PredictedAnswer = "zizzi" } });
        Assert.AreEqual(1, QuestionAnsweringMetrics.Evaluate(several).ExactMatch);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => QuestionAnsweringMetrics.Evaluate(one, answerColumnName: "Gold"));
        StringAssert.Contains(e.Message, "'Gold' was not found");
    }

    [TestMethod]
    public void ARowWithoutGoldAnswerIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => QuestionAnsweringMetrics.Compute([("x", [])]));
        StringAssert.Contains(e.Message, "Row 0 has no gold answer");
    }

    private sealed class Scalar
    {
        public string Answer { get; set; } = "";
        public string PredictedAnswer { get; set; } = "";
    }

    private sealed class Several
    {
        public string[] Answer { get; set; } = [];
        public string PredictedAnswer { get; set; } = "";
    }
}
