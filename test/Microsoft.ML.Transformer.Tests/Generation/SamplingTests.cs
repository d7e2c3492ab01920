using Microsoft.ML.Transformer.Generation;
using static Microsoft.ML.Transformer.Tests.Generation.StandInModels;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Generation;

[TestClass]
public sealed class SamplingTests
{
    private static DecodingOptions Sampling(int? seed = 1) => new() { Strategy = DecodingStrategy.Sampling, Seed = seed, MaxNewTokens = 30 };

    private static readonly Func<IReadOnlyList<long>, double[]> Model = Hashed(8, seed: 5, endBias: -3);

    [TestMethod]
    public void SameSeed_SameOutput_DifferentSeeds_Differ()
    {
        var first = GenerateOne(Model, Sampling(1)).Tokens;
        CollectionAssert.AreEqual(first, GenerateOne(Model, Sampling(1)).Tokens);
        CollectionAssert.AreNotEqual(first, GenerateOne(Model, Sampling(2)).Tokens);
    }

    [TestMethod]
    public void TopKOne_And_TemperatureZero_EqualGreedy()
    {
        var greedy = GenerateOne(Model, new DecodingOptions { MaxNewTokens = 30 }).Tokens;
        for (int seed = 0; seed < 3; seed++)
        {
            CollectionAssert.AreEqual(greedy, GenerateOne(Model, Sampling(seed) with { TopK = 1 }).Tokens);
            CollectionAssert.AreEqual(greedy, GenerateOne(Model, Sampling(seed) with { Temperature = 0, TopK = 5, TopP = 0.5 }).Tokens);
        }
    }

    [TestMethod]
    public void TopP_KeepsTheSmallestSetWithMassAtLeastP()
    {
        // Probabilities 0.1, 0.4, 0.2, 0.3: in descending order 0.4 (token 1), 0.3 (token 3), 0.2 (token 2), 0.1 (token 0),
        // with mass before each 0, 0.4, 0.7, 0.9.
        using var logits = tensor(new[] { 0.1f, 0.4f, 0.2f, 0.3f }).log().unsqueeze(0);
        Assert.AreEqual("1", Kept(LogitsProcessing.TopP(logits, 0.3)));        // 0.4 ≥ 0.3 already
        Assert.AreEqual("1,3", Kept(LogitsProcessing.TopP(logits, 0.65)));    // 0.4 < 0.65 ≤ 0.7
        Assert.AreEqual("1,2,3", Kept(LogitsProcessing.TopP(logits, 0.75)));  // 0.7 < 0.75 ≤ 0.9
        Assert.AreEqual("0,1,2,3", Kept(LogitsProcessing.TopP(logits, 0.95)));
        Assert.AreEqual("0,1,2,3", Kept(LogitsProcessing.TopP(logits, 1.0)));
        Assert.AreEqual("1,3", Kept(LogitsProcessing.TopK(logits, 2)));
    }

    [TestMethod]
    public void Draws_FollowTheShapedDistribution()
    {
        // 3000 rows, one token each, from p(a, b, c) = (0.5, 0.3, 0.2); the order is penalties → temperature → top-k →
        // top-p → draw. Temperature 2 gives p ∝ √p = (0.415, 0.322, 0.263); top-k 2 and top-p 0.7 both give
        // (0.625, 0.375, 0); top-p 0.45 keeps only a. Tolerance 0.035 is about 4 standard deviations.
        const long a = 3, b = 4, c = 5;
        var model = Bigram(new Dictionary<long, double[]> { [Bos] = FromWeights(6, (a, 0.5), (b, 0.3), (c, 0.2)) }, 6);
        var cases = new (DecodingOptions Options, double[] Expected)[]
        {
            (Sampling(), [0.5, 0.3, 0.2]),
            (Sampling() with { Temperature = 2 }, [0.415, 0.322, 0.263]),
            (Sampling() with { TopK = 2 }, [0.625, 0.375, 0]),
            (Sampling() with { TopP = 0.7 }, [0.625, 0.375, 0]),
            (Sampling() with { TopP = 0.45 }, [1, 0, 0]),
        };
        IReadOnlyList<long>[] prefixes = Enumerable.Repeat<IReadOnlyList<long>>([Bos], 3000).ToArray();
        foreach (var (options, expected) in cases)
        {
            var tokens = Generate(model, options with { MaxNewTokens = 1 }, prefixes).Select(r => r.Tokens.Length > 0 ? r.Tokens[0] : Eos).ToArray();
            for (int i = 0; i < 3; i++)
                Assert.AreEqual(expected[i], tokens.Count(t => t == a + i) / 3000.0, 0.035, $"{options} token {a + i}");
        }
    }

    private static string Kept(Tensor filtered) =>
        string.Join(",", filtered.squeeze(0).data<float>().ToArray().Select((z, i) => (z, i)).Where(x => !float.IsNegativeInfinity(x.z)).Select(x => x.i));
}
