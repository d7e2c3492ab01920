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
    public void WithPositionsTheEncoderIsOrderSensitive(PositionalEncoding positions)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(2, 0) with { PositionalEncoding = positions });
        var source = Ids(2, 9, seed: 11);
        var permutation = tensor(new long[] { 4, 0, 8, 2, 7, 1, 6, 3, 5 });
        var outputOfPermuted = model.Encode(source.index_select(1, permutation), null);
        var permutedOutput = model.Encode(source, null).index_select(1, permutation);
        Assert.IsGreaterThan(1e-2, MaxDiff(outputOfPermuted, permutedOutput));
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
