using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>The sparse and linear attention kernels against <see cref="NaiveAttention"/> and against full attention.</summary>
[TestClass]
public sealed class AttentionVariantTests
{
    private const double Tolerance = 1e-5;

    // Random q, k, v [2, 2, T, 8] and right padding: row 0 is whole, row 1 has `real` positions.
    private static (Tensor Q, Tensor K, Tensor V, Tensor Padding) Inputs(long t, long real, int seed)
    {
        var g = new Generator((ulong)seed);
        Tensor R() => randn([2, 2, t, 8], generator: g);
        return (R(), R(), R(), Padding(t, t, real));
    }

    private static AttentionMask Mask(Tensor padding, bool causal) => causal
        ? AttentionMasks.CausalWithPadding(padding, padding.shape[1], 0, ScalarType.Float32, CPU)
        : AttentionMasks.KeyPadding(padding, ScalarType.Float32);

    // Largest difference over the rows that are not padding (padding rows are never used).
    private static double ValidDiff(Tensor a, Tensor b, Tensor padding)
    {
        var keep = padding.logical_not().unsqueeze(1).unsqueeze(-1).to(ScalarType.Float64); // [B, 1, T, 1]
        return MaxDiff(a.to(ScalarType.Float64) * keep, b.to(ScalarType.Float64) * keep);
    }

    [TestMethod]
    [DataRow(false, 5, 2)]
    [DataRow(true, 5, 2)]
    [DataRow(false, 4, 0)]
    [DataRow(true, 7, 3)]
    public void SlidingWindowEqualsNaiveReference(bool causal, int window, int globals)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, padding) = Inputs(37, 30, seed: window + globals);
        var fast = SlidingWindowAttention.Blockwise(q, k, v, Mask(padding, causal), window, globals, 0);
        var naive = NaiveAttention.SlidingWindow(q, k, v, padding, window, globals, causal);
        Assert.IsLessThanOrEqualTo(Tolerance, ValidDiff(fast, naive, padding));
        // The banded mask (cached steps, recording) is the same function.
        var banded = nn.functional.scaled_dot_product_attention(q, k, v,
            SlidingWindowAttention.Banded(Mask(padding, causal), 37, 37, window, globals, ScalarType.Float32, CPU).Additive);
        Assert.IsLessThanOrEqualTo(Tolerance, ValidDiff(banded, naive, padding));
    }

    [TestMethod]
    [DataRow(false, 19)]
    [DataRow(true, 19)]
    [DataRow(false, 25)]
    [DataRow(true, 40)]
    public void SlidingWindowAsLongAsTheSequenceIsFullAttention(bool causal, int window)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, padding) = Inputs(19, 12, seed: 5);
        var mask = Mask(padding, causal);
        var full = nn.functional.scaled_dot_product_attention(q, k, v, mask.Additive, 0, mask.IsCausal);
        var windowed = SlidingWindowAttention.Blockwise(q, k, v, mask, window, globals: 1, dropout: 0);
        Assert.IsLessThanOrEqualTo(Tolerance, ValidDiff(windowed, full, padding));
    }

    [TestMethod]
    [DataRow(false, 37L)]
    [DataRow(true, 37L)]
    [DataRow(true, 150L)] // several chunks of the causal form
    public void LinearEqualsNaiveReference(bool causal, long length)
    {
        using var scope = NewDisposeScope();
        var (q, k, v, padding) = Inputs(length, length - 9, seed: 7);
        var fast = LinearAttention.Attend(q, k, v, Mask(padding, causal));
        var naive = NaiveAttention.Linear(q, k, v, padding, causal);
        Assert.IsLessThanOrEqualTo(Tolerance, ValidDiff(fast, naive, padding));
    }

    [TestMethod]
    public void LinearStepByStepEqualsTheFullCausalForward()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, _) = Inputs(70, 70, seed: 8);
        var full = LinearAttention.Attend(q, k, v, Mask(zeros(2, 70, ScalarType.Bool), causal: true));
        var state = LinearAttention.EmptyState(2, 2, 8, CPU);
        // A prompt of 13, then one position at a time: the state stays [B, H, Dh, Dh + 1].
        var parts = new List<Tensor> { LinearAttention.Step(q[.., .., ..13], k[.., .., ..13], v[.., .., ..13], state, null) };
        for (long t = 13; t < 70; t++)
            parts.Add(LinearAttention.Step(q.narrow(2, t, 1), k.narrow(2, t, 1), v.narrow(2, t, 1), state, null));
        CollectionAssert.AreEqual(new long[] { 2, 2, 8, 9 }, state.shape);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full, cat(parts, 2)));
    }

    [TestMethod]
    public void PaddedKeysAreIgnoredByEveryVariant()
    {
        using var scope = NewDisposeScope();
        var (q, k, v, padding) = Inputs(21, 15, seed: 9);
        // Changing padded keys and values must not move any real row.
        var garbage = padding.unsqueeze(1).unsqueeze(-1);
        var (k2, v2) = (k.masked_fill(garbage, 50), v.masked_fill(garbage, -50));
        foreach (bool causal in new[] { false, true })
        {
            var mask = Mask(padding, causal);
            Assert.IsLessThanOrEqualTo(Tolerance, ValidDiff(
                SlidingWindowAttention.Blockwise(q, k, v, mask, 4, 1, 0), SlidingWindowAttention.Blockwise(q, k2, v2, mask, 4, 1, 0), padding));
            Assert.IsLessThanOrEqualTo(Tolerance, ValidDiff(
                LinearAttention.Attend(q, k, v, mask), LinearAttention.Attend(q, k2, v2, mask), padding));
        }
    }
}
