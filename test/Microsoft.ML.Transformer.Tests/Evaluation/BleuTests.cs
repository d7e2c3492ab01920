using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

[TestClass]
public sealed class BleuTests
{
    // The sacreBLEU README's example (github.com/mjpost/sacrebleu, README.md, "Using SacreBLEU from Python"), which
    // prints: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18) and chrF2 = 59.73.
    // Its references come as two streams; here they are regrouped per sentence.
    internal static readonly (string, IReadOnlyList<string>)[] SacreBleuReadme =
    [
        ("The dog bit the man.", ["The dog bit the man.", "The dog had bit the man."]),
        ("It wasn't surprising.", ["It was not unexpected.", "No one was surprised."]),
        ("The man had just bitten him.", ["The man bit him first.", "The man had bitten the dog."]),
    ];

    [TestMethod]
    public void Corpus_MatchesTheSacreBleuReadme()
    {
        var bleu = GenerationMetrics.CorpusBleu(SacreBleuReadme);
        Assert.AreEqual("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", bleu.ToString());
    }

    [TestMethod]
    public void Corpus_MatchesTheSacreBleuReadme_WithAVariableNumberOfReferences()
    {
        // Same README, "Variable Number of References": the first sentence's first reference replaced by ''.
        // Printed: BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19).
        var rows = SacreBleuReadme.ToArray();
        rows[0] = ("The dog bit the man.", ["", "The dog had bit the man."]);
        Assert.AreEqual("BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)",
            GenerationMetrics.CorpusBleu(rows).ToString());
    }

    [TestMethod]
    public void HandComputed_CountsAndClipping()
    {
        // hyp "the cat sat on the mat", ref "the cat sat on a mat" (6 tokens each, BP = 1):
        //   1-grams: the×2 (ref has 1, clipped to 1), cat, sat, on, mat → 5/6
        //   2-grams: the cat, cat sat, sat on ✓; on the, the mat ✗ → 3/5
        //   3-grams: the cat sat, cat sat on ✓; sat on the, on the mat ✗ → 2/4
        //   4-grams: the cat sat on ✓; cat sat on the, sat on the mat ✗ → 1/3
        // BLEU = 100·(5/6 · 3/5 · 2/4 · 1/3)^(1/4) = 53.7285
        var bleu = GenerationMetrics.CorpusBleu([("the cat sat on the mat", ["the cat sat on a mat"])]);
        Assert.AreEqual(53.72850, bleu.Score, 1e-4);
        double[] expected = [500.0 / 6, 60, 50, 100.0 / 3];
        for (int n = 0; n < 4; n++)
            Assert.AreEqual(expected[n], bleu.Precisions[n], 1e-9);
        Assert.AreEqual(1.0, bleu.BrevityPenalty);

        // Clipping takes the most occurrences in any single reference: "the" ×3 against max(1, 2) = 2 → 2/3.
        var clipped = GenerationMetrics.CorpusBleu([("the the the", ["the cat", "the the cat"])]);
        Assert.AreEqual(200.0 / 3, clipped.Precisions[0], 1e-9);
    }

    [TestMethod]
    public void NoFourGramMatch_IsZeroForCorpus_AndSmoothedForSentence()
    {
        // hyp "the cat sat on the mat", ref "the cat is on the mat": 5/6, 3/5, 1/4, 0/3.
        // Corpus (no smoothing) → 0. Sentence ("exp": the first empty order counts 1/(2·3)):
        // 100·exp(mean(ln 5/6, ln 3/5, ln 1/4, ln 1/6)) = 37.9918.
        (string, IReadOnlyList<string>) row = ("the cat sat on the mat", ["the cat is on the mat"]);
        Assert.AreEqual(0.0, GenerationMetrics.CorpusBleu([row]).Score);
        Assert.AreEqual(37.99178, GenerationMetrics.SentenceBleu(row.Item1, row.Item2).Score, 1e-4);
        Assert.AreEqual(0.0, GenerationMetrics.SentenceBleu(row.Item1, row.Item2, BleuSmoothing.None).Score);
    }

    [TestMethod]
    public void BrevityPenalty_UsesTheClosestReferenceLength()
    {
        // "the cat" (2) against "the cat sat" (3): BP = exp(1 - 3/2). Sentence BLEU uses the 2 orders a 2-token
        // hypothesis has: 100 · BP = 60.653. Corpus BLEU needs all 4 orders: 0.
        var sentence = GenerationMetrics.SentenceBleu("the cat", ["the cat sat"]);
        Assert.AreEqual(Math.Exp(-0.5), sentence.BrevityPenalty, 1e-12);
        Assert.AreEqual(60.65307, sentence.Score, 1e-4);
        Assert.AreEqual(0.0, GenerationMetrics.CorpusBleu([("the cat", ["the cat sat"])]).Score);

        // Closest of 4 and 6 to 5 is a tie: the shorter wins.
        Assert.AreEqual(4, BleuStatistics.ClosestLength(5, [6, 4]));
        Assert.AreEqual(4L, GenerationMetrics.CorpusBleu([("a b c d e", ["a b c d e f", "a b c d"])]).ReferenceLength);
    }

    [TestMethod]
    public void Identical_Is100()
    {
        var bleu = GenerationMetrics.CorpusBleu(SacreBleuReadme.Select(r => (r.Item1, (IReadOnlyList<string>)[r.Item1])));
        Assert.AreEqual(100.0, bleu.Score, 1e-9);
    }
}
