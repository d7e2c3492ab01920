using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class PositionalEncodingTests
{
    [TestMethod]
    [DataRow(16)]
    [DataRow(7)]
    public void SinusoidalTableIsTheClosedFormula(int dimension)
    {
        using var table = SinusoidalPositions.Table(50, dimension);
        Assert.AreEqual(50L, table.shape[0]);
        Assert.AreEqual((long)dimension, table.shape[1]);
        var values = table.data<float>().ToArray();
        for (int pos = 0; pos < 50; pos++)
            for (int j = 0; j < dimension; j++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dimension);
                double expected = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
                Assert.AreEqual(expected, values[pos * dimension + j], 1e-6, $"PE({pos}, {j})");
            }
    }

    [TestMethod]
    public void WithoutPositionsTheEncoderPermutesWithItsInput()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(2, 0) with { PositionalEncoding = PositionalEncoding.None });
        var source = Ids(2, 9, seed: 11);
        var permutation = tensor(new long[] { 4, 0, 8, 2, 7, 1, 6, 3, 5 });
        var outputOfPermuted = model.Encode(source.index_select(1, permutation), null);
        var permutedOutput = model.Encode(source, null).index_select(1, permutation);
        Assert.IsLessThanOrEqualTo(1e-5, MaxDiff(outputOfPermuted, permutedOutput));
    }

    [TestMethod]
    [DataRow(PositionalEncoding.Sinusoidal)]
    [DataRow(PositionalEncoding.Learned)]
    [DataRow(PositionalEncoding.Rotary)]
    public void WithPositionsTheEncoderIsOrderSensitive(PositionalEncoding positions)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(2, 0) with { PositionalEncoding = positions });
        if (positions == PositionalEncoding.Rotary)
        {
            // Rotary positions act through the attention scores only, which a fresh model keeps near zero (its effect
            // is then ~1e-4); sharper scores, as training makes them, show it plainly.
            using var noGrad = no_grad();
            foreach (var (name, weight) in model.named_parameters().Where(p => p.name.EndsWith("qkv.weight", StringComparison.Ordinal)))
                weight.mul_(6);
        }
        var source = Ids(2, 9, seed: 11);
        var permutation = tensor(new long[] { 4, 0, 8, 2, 7, 1, 6, 3, 5 });
        var outputOfPermuted = model.Encode(source.index_select(1, permutation), null);
        var permutedOutput = model.Encode(source, null).index_select(1, permutation);
        double difference = MaxDiff(outputOfPermuted, permutedOutput);
        Console.WriteLine($"{positions}: max difference {difference:E2}");
        Assert.IsGreaterThan(1e-2, difference, $"max difference {difference:E2}");
    }

    [TestMethod]
    public void RotaryScoresDependOnRelativePositionOnly()
    {
        using var scope = NewDisposeScope();
        using var rotary = new RotaryPositions(8);
        var q = randn(1, 1, 1, 8, generator: new Generator(1));
        var k = randn(1, 1, 1, 8, generator: new Generator(2));
        // <R(m) q, R(n) k> for (m, n) = (3, 1), (10, 8), (40, 38): the same offset of 2.
        double Score(long m, long n) => (rotary.Apply(q, m) * rotary.Apply(k, n)).sum().item<float>();
        double reference = Score(3, 1);
        Assert.AreEqual(reference, Score(10, 8), 1e-5);
        Assert.AreEqual(reference, Score(40, 38), 1e-5);
        Assert.IsGreaterThan(1e-3, Math.Abs(reference - Score(3, 2)), "another offset gives another score");
        // A rotation keeps lengths, and position 0 is no rotation at all.
        Assert.AreEqual(q.norm().item<float>(), rotary.Apply(q, 17).norm().item<float>(), 1e-5);
        Assert.IsLessThanOrEqualTo(1e-7, MaxDiff(q, rotary.Apply(q, 0)));
    }

    [TestMethod]
    public void RotaryPairsFeatureIWithFeatureIPlusHalf()
    {
        using var scope = NewDisposeScope();
        using var rotary = new RotaryPositions(4);
        var x = tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 1, 4);
        var rotated = rotary.Apply(x, 5).data<float>().ToArray();
        // θ0 = 1, θ1 = 10000^(-1/2) = 0.01; pairs (x0, x2) and (x1, x3) turn by 5·θ.
        double a0 = 5.0, a1 = 5.0 * 0.01;
        double[] expected = [1 * Math.Cos(a0) - 3 * Math.Sin(a0), 2 * Math.Cos(a1) - 4 * Math.Sin(a1),
                             3 * Math.Cos(a0) + 1 * Math.Sin(a0), 4 * Math.Cos(a1) + 2 * Math.Sin(a1)];
        for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], rotated[i], 1e-5, $"feature {i}");
    }

    [TestMethod]
    public void RotaryOptionsAreChecked()
    {
        var odd = Assert.ThrowsExactly<ArgumentException>(() =>
            (Options() with { PositionalEncoding = PositionalEncoding.Rotary, ModelDimension = 12, Heads = 4 }).Validate());
        StringAssert.Contains(odd.Message, "head dimension");
        StringAssert.Contains(odd.Message, "= 3");
        var linear = Assert.ThrowsExactly<ArgumentException>(() =>
            (Options() with { PositionalEncoding = PositionalEncoding.Rotary, Attention = AttentionVariant.Linear }).Validate());
        StringAssert.Contains(linear.Message, "Linear");
        // Rotary angles are a formula: longer inputs may be allowed.
        (Options() with { PositionalEncoding = PositionalEncoding.Rotary, AllowLengthExtrapolation = true }).Validate();
    }

    [TestMethod]
    public void TooLongInputNamesMaxLength()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(2, 0) with { MaxLength = 8 });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Encode(Ids(1, 9, seed: 1), null));
        StringAssert.Contains(e.Message, "MaxLength (8)");
    }
}
