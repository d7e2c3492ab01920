using Microsoft.ML.Transformer.Generation;
using static Microsoft.ML.Transformer.Tests.Generation.StandInModels;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Generation;

[TestClass]
public sealed class PenaltyAndStopTests
{
    private const int V = 6;
    private const long A = 3, B = 4, C = 5;
    private static string Letters(IReadOnlyList<long> tokens) => string.Concat(tokens.Select(t => t >= A ? ((char)('a' + t - A)).ToString() : ""));

    private static readonly DecodingOptions[] AllStrategies =
    [
        new() { MaxNewTokens = 12 },
        new() { Strategy = DecodingStrategy.Beam, BeamWidth = 3, MaxNewTokens = 12 },
        new() { Strategy = DecodingStrategy.Sampling, Seed = 7, MaxNewTokens = 12 },
    ];

    [TestMethod]
    public void RepetitionPenalty_DividesPositiveAndMultipliesNegativeLogits()
    {
        using var logits = tensor(new[] { 2f, -1f, 0.5f, 3f }).unsqueeze(0);
        var penalised = LogitsProcessing.RepetitionPenalty(logits, [[0, 1, 1]], 2.0);
        CollectionAssert.AreEqual(new[] { 1f, -2f, 0.5f, 3f }, penalised.data<float>().ToArray());
    }

    [TestMethod]
    public void RepetitionPenalty_SteersGreedyAwayFromRepeats()
    {
        // a → a (0.6) or b (0.4): greedy repeats a. With θ = 10, a's log-probability -0.51 becomes -5.1 and b wins.
        var model = Bigram(new Dictionary<long, double[]>
        {
            [Bos] = FromWeights(V, (A, 1)), [A] = FromWeights(V, (A, 0.6), (B, 0.4)), [B] = FromWeights(V, (B, 0.6), (A, 0.4)),
        }, V);
        CollectionAssert.AreEqual(new[] { A, A, A }, GenerateOne(model, new DecodingOptions { MaxNewTokens = 3 }).Tokens);
        CollectionAssert.AreEqual(new[] { A, B }, GenerateOne(model, new DecodingOptions { MaxNewTokens = 3, RepetitionPenalty = 10 }).Tokens[..2]);
    }

    [TestMethod]
    public void BannedTokens_CompleteAnExistingNgram()
    {
        List<long> sequence = [1, 2, 3, 1, 2];
        CollectionAssert.AreEquivalent(new long[] { 3 }, LogitsProcessing.BannedTokens(sequence, 3).ToArray());  // "1 2" was followed by 3
        CollectionAssert.AreEquivalent(new long[] { 3 }, LogitsProcessing.BannedTokens(sequence, 2).ToArray());  // "2" was followed by 3
        CollectionAssert.AreEquivalent(new long[] { 1, 2, 3 }, LogitsProcessing.BannedTokens(sequence, 1).ToArray());
        Assert.IsEmpty(LogitsProcessing.BannedTokens(sequence, 6));
    }

    [TestMethod]
    public void NoRepeatNgram_HoldsForEveryStrategy()
    {
        // A model that loves the cycle a b c a b c ...
        var model = Bigram(new Dictionary<long, double[]>
        {
            [Bos] = FromWeights(V, (A, 1)), [A] = FromWeights(V, (B, 0.8), (C, 0.2)), [B] = FromWeights(V, (C, 0.8), (A, 0.2)),
            [C] = FromWeights(V, (A, 0.8), (B, 0.2)),
        }, V);
        foreach (var options in AllStrategies)
            foreach (int n in new[] { 2, 3 })
            {
                var sequence = new[] { Bos }.Concat(GenerateOne(model, options with { NoRepeatNgramSize = n }).Tokens).ToArray();
                var ngrams = Enumerable.Range(0, sequence.Length - n + 1).Select(i => string.Join(" ", sequence.Skip(i).Take(n))).ToList();
                Assert.AreEqual(ngrams.Count, ngrams.Distinct().Count(), $"{options.Strategy} n={n}: {string.Join(" ", sequence)}");
            }
    }

    [TestMethod]
    public void StopSequence_CutsTheTextForEveryStrategy()
    {
        var model = Script([A, B, C, A, B, C, A], V);   // "abcabca"
        foreach (var options in AllStrategies)
        {
            var result = GenerateOne(model, options with { StopSequences = ["zz", "ca"] }, Letters);
            Assert.AreEqual("ab", result.Text, options.Strategy.ToString());
            Assert.AreEqual(FinishReason.StopSequence, result.FinishReason);
            CollectionAssert.AreEqual(new[] { A, B, C, A }, result.Tokens);   // up to the token that completed "ca"
        }
        var unstopped = GenerateOne(model, AllStrategies[0], Letters);
        Assert.AreEqual("abcabca", unstopped.Text);
        Assert.AreEqual(FinishReason.EndToken, unstopped.FinishReason);
    }
}
