using Microsoft.ML.Transformer.Generation;
using static Microsoft.ML.Transformer.Tests.Generation.StandInModels;

namespace Microsoft.ML.Transformer.Tests.Generation;

[TestClass]
public sealed class GreedyAndBeamTests
{
    // Vocabulary of the hand-made tables: 0 pad, 1 begin, 2 end, 3 a, 4 b, 5 c.
    private const int V = 6;
    private const long A = 3, B = 4, C = 5;

    private static readonly DecodingOptions Greedy = new() { MaxNewTokens = 5 };
    private static DecodingOptions Beam(int width, double alpha = 1, bool early = false) =>
        new() { Strategy = DecodingStrategy.Beam, BeamWidth = width, LengthPenalty = alpha, EarlyStopping = early, MaxNewTokens = 5 };

    // Greedy takes "a" (0.55) and then ends (0.35): 0.1925. Beam sees "b" (0.45) then end (0.9): 0.405, the optimum.
    private static readonly Func<IReadOnlyList<long>, double[]> GreedyTrap = Bigram(new Dictionary<long, double[]>
    {
        [Bos] = FromWeights(V, (A, 0.55), (B, 0.45)),
        [A] = FromWeights(V, (Eos, 0.35), (A, 0.33), (C, 0.32)),
        [B] = FromWeights(V, (Eos, 0.9), (C, 0.1)),
        [C] = FromWeights(V, (Eos, 0.5), (A, 0.5)),
    }, V);

    // After "c": ending now gives log .97 + log .45 = -0.829 over 2 tokens; "a b end" gives
    // log .97 + log .55 + log .9 + log .7 = -1.090 over 4 tokens. α = 0 prefers the first, α = 1 the second (-0.41 vs -0.27).
    private static readonly Func<IReadOnlyList<long>, double[]> LengthTrade = Bigram(new Dictionary<long, double[]>
    {
        [Bos] = FromWeights(V, (C, 0.97), (B, 0.03)),
        [C] = FromWeights(V, (Eos, 0.45), (A, 0.55)),
        [A] = FromWeights(V, (B, 0.9), (Eos, 0.1)),
        [B] = FromWeights(V, (Eos, 0.7), (A, 0.3)),
    }, V);

    [TestMethod]
    public void LogProbabilitiesAreOptionalAndChangeNoToken()
    {
        var model = Hashed(7, seed: 5);
        IReadOnlyList<IReadOnlyList<long>> prefixes = [[Bos], [Bos, A], [Bos, B, C]];
        foreach (var options in new[] { Greedy, Greedy with { Strategy = DecodingStrategy.Sampling, Seed = 3 } })
        {
            var scored = Run(model, options, prefixes, logProbabilities: true);
            var unscored = Run(model, options, prefixes, logProbabilities: false);
            for (int i = 0; i < prefixes.Count; i++)
            {
                CollectionAssert.AreEqual(scored[i].Tokens, unscored[i].Tokens, $"{options.Strategy} row {i}");
                Assert.IsTrue(double.IsFinite(scored[i].LogProbability) && scored[i].LogProbability < 0, $"row {i}: {scored[i].LogProbability}");
                Assert.IsTrue(double.IsNaN(unscored[i].LogProbability), "not computed, so not a number rather than a made-up 0");
            }
        }

        static IReadOnlyList<GeneratedSequence> Run(Func<IReadOnlyList<long>, double[]> model, DecodingOptions options,
            IReadOnlyList<IReadOnlyList<long>> prefixes, bool logProbabilities)
        {
            using var decoder = new StandInDecoder(model, prefixes);
            return new Microsoft.ML.Transformer.Generation.DecodingLoop(options, 512, Eos).Generate(decoder, prefixes, logProbabilities);
        }
    }

    [TestMethod]
    public void Greedy_FollowsTheArgmaxChain()
    {
        // begin → a (0.55) → end (0.35): greedy stops after one token.
        var result = GenerateOne(GreedyTrap, Greedy);
        CollectionAssert.AreEqual(new[] { A }, result.Tokens);
        Assert.AreEqual(FinishReason.EndToken, result.FinishReason);
        Assert.AreEqual(Math.Log(0.55) + Math.Log(0.35), result.LogProbability, 1e-4);

        // On a random model, each greedy token is the argmax of the model's distribution given the greedy prefix.
        var model = Hashed(7, seed: 3);
        var tokens = GenerateOne(model, Greedy).Tokens;
        var history = new List<long> { Bos };
        foreach (long token in tokens.Append(Eos).Take(Greedy.MaxNewTokens))
        {
            var lp = model(history);
            Assert.AreEqual(Array.IndexOf(lp, lp.Max()), (int)token);
            history.Add(token);
        }
    }

    [TestMethod]
    public void Beam_FindsTheOptimumWhereGreedyDoesNot()
    {
        var exhaustive = Exhaustive(GreedyTrap, [Bos], maxNew: 5, alpha: 0);
        var beam = GenerateOne(GreedyTrap, Beam(width: 2, alpha: 0));
        var greedy = GenerateOne(GreedyTrap, Greedy);
        CollectionAssert.AreEqual(new[] { B }, exhaustive.Tokens);
        CollectionAssert.AreEqual(exhaustive.Tokens, beam.Tokens);
        Assert.AreEqual(Math.Log(0.45) + Math.Log(0.9), beam.LogProbability, 1e-4);
        Assert.IsTrue(beam.LogProbability > greedy.LogProbability + 0.5);
    }

    [TestMethod]
    public void Beam_WideEnough_MatchesExhaustiveSearch()
    {
        // 5 tokens, at most 4 new: W = 5^3 keeps every prefix alive, so beam search is exhaustive and must agree.
        foreach (double alpha in new[] { 0.0, 1.0 })
            for (int seed = 0; seed < 4; seed++)
            {
                var model = Hashed(5, seed, endBias: 1.0);
                var options = Beam(width: 125, alpha) with { MaxNewTokens = 4 };
                var expected = Exhaustive(model, [Bos], maxNew: 4, alpha);
                var beam = GenerateOne(model, options);
                CollectionAssert.AreEqual(expected.Tokens, beam.Tokens, $"seed {seed}, alpha {alpha}");
                Assert.AreEqual(expected.Score, beam.Score, 1e-4);
            }
    }

    [TestMethod]
    public void BeamWidthOne_EqualsGreedy()
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var model = Hashed(6, seed, endBias: 0.5);
            var greedy = GenerateOne(model, Greedy);
            foreach (var options in new[] { Beam(1, alpha: 0), Beam(1, alpha: 1, early: true) })
            {
                var beam = GenerateOne(model, options);
                CollectionAssert.AreEqual(greedy.Tokens, beam.Tokens, $"seed {seed}");
                Assert.AreEqual(greedy.LogProbability, beam.LogProbability, 1e-4);
            }
        }
    }

    [TestMethod]
    public void LengthPenalty_ChangesTheChoiceAsDocumented()
    {
        CollectionAssert.AreEqual(new[] { C }, GenerateOne(LengthTrade, Beam(3, alpha: 0)).Tokens);
        CollectionAssert.AreEqual(new[] { C, A, B }, GenerateOne(LengthTrade, Beam(3, alpha: 1)).Tokens);
        foreach (double alpha in new[] { 0.0, 1.0 })
            CollectionAssert.AreEqual(Exhaustive(LengthTrade, [Bos], 5, alpha).Tokens, GenerateOne(LengthTrade, Beam(3, alpha)).Tokens);
    }

    [TestMethod]
    public void MaxNewTokens_IsRespected()
    {
        var loop = Bigram(new Dictionary<long, double[]> { [Bos] = FromWeights(V, (A, 1)), [A] = FromWeights(V, (A, 1)) }, V);
        foreach (var options in new[] { Greedy with { MaxNewTokens = 5 }, Beam(3) with { MaxNewTokens = 5 },
                     new DecodingOptions { Strategy = DecodingStrategy.Sampling, Seed = 1, MaxNewTokens = 5 } })
        {
            var result = GenerateOne(loop, options);
            Assert.HasCount(5, result.Tokens);
            Assert.AreEqual(FinishReason.MaxNewTokens, result.FinishReason);
        }
    }

    [TestMethod]
    public void Batched_EqualsRowByRow()
    {
        var model = Hashed(8, seed: 11, endBias: 0.8);
        IReadOnlyList<long>[] prefixes = [[Bos], [Bos, 5, 6], [Bos, 7], [Bos, 3, 3, 4]];
        foreach (var options in new[] { Greedy, Beam(3), Beam(2, alpha: 0), Greedy with { RepetitionPenalty = 1.5, NoRepeatNgramSize = 2 } })
        {
            var batched = Generate(model, options, prefixes);
            for (int i = 0; i < prefixes.Length; i++)
            {
                var single = Generate(model, options, [prefixes[i]])[0];
                CollectionAssert.AreEqual(single.Tokens, batched[i].Tokens, $"row {i}, {options.Strategy}");
                Assert.AreEqual(single.LogProbability, batched[i].LogProbability, 1e-4);
            }
        }
    }

    [TestMethod]
    public void FinishedRows_LeaveTheDecoder()
    {
        // Row 0 ends at once, row 1 after 3 tokens: steps see 2, 1, 1 rows (greedy, and beam search of width 1 that
        // stops a source at its first finished sequence; wider beams keep exploring the improbable alternatives).
        var model = Bigram(new Dictionary<long, double[]>
        {
            [Bos] = FromWeights(V, (Eos, 1)),
            [C] = FromWeights(V, (A, 1)), [A] = FromWeights(V, (B, 1)), [B] = FromWeights(V, (Eos, 1)),
        }, V);
        IReadOnlyList<long>[] prefixes = [[Bos], [Bos, C]];
        using var decoder = new StandInDecoder(model, prefixes);
        new DecodingLoop(Greedy, 64, Eos).Generate(decoder, prefixes);
        CollectionAssert.AreEqual(new[] { 2, 1, 1 }, decoder.StepBatchSizes);

        using var beamDecoder = new StandInDecoder(model, prefixes);
        new DecodingLoop(Beam(1, early: true), 64, Eos).Generate(beamDecoder, prefixes);
        CollectionAssert.AreEqual(new[] { 2, 1, 1 }, beamDecoder.StepBatchSizes);
    }

    [TestMethod]
    public void LiveTensorCount_StaysFlat()
    {
        var model = Hashed(6, seed: 2);
        var options = Beam(3) with { MaxNewTokens = 20, EarlyStopping = false };
        GenerateOne(model, options);   // warm-up
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++)
        {
            GenerateOne(model, options);
            GenerateOne(model, new DecodingOptions { Strategy = DecodingStrategy.Sampling, Seed = i, MaxNewTokens = 20, TopK = 3, TopP = 0.9 });
        }
        Assert.AreEqual(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
