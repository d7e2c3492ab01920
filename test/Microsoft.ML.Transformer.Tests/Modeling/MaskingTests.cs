using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>Causality and padding: what a position may and may not see.</summary>
[TestClass]
public sealed class MaskingTests
{
    private const double Tolerance = 1e-5;

    [TestMethod]
    [DataRow(0, NormPlacement.PreNorm)]
    [DataRow(2, NormPlacement.PreNorm)]
    [DataRow(2, NormPlacement.PostNorm)]
    public void FutureTokensDoNotChangeEarlierOutputs(int encoderLayers, NormPlacement placement)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(encoderLayers) with { NormPlacement = placement });
        var memory = encoderLayers > 0 ? model.Encode(Ids(3, 7, seed: 1), null) : null;
        var target = Ids(3, 10, seed: 2);
        var before = model.Decode(target, memory, null, null);
        for (int t = 0; t < 9; t++)
        {
            var changed = target.clone();
            changed[.., (t + 1)..] = Ids(3, 9 - t, seed: 10 + t);
            var after = model.Decode(changed, memory, null, null);
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(before[.., ..(t + 1)], after[.., ..(t + 1)]), $"position {t}");
            Assert.IsGreaterThan(1e-3, MaxDiff(before[.., (t + 1)..], after[.., (t + 1)..]), "later positions must change");
        }
    }

    [TestMethod]
    public void EncoderIgnoresAppendedPadding()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(2, 0));
        var source = Ids(2, 6, seed: 3);
        var plain = model.Encode(source, null);
        var padded = cat([source, full(2, 5, (long)Pad)], 1);
        var withPadding = model.Encode(padded, Padding(11, 6, 6));
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(plain, withPadding[.., ..6]));
    }

    [TestMethod]
    public void EncoderRowsOfDifferentLengthsMatchTheirUnpaddedSelves()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(2, 0));
        var source = Ids(2, 8, seed: 4);
        var padding = Padding(8, 8, 5);
        var batch = model.Encode(WithPads(source, padding), padding);
        var shortAlone = model.Encode(source[1..2, ..5], null);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(batch[1..2, ..5], shortAlone));
    }

    [TestMethod]
    public void CrossAttentionIgnoresPaddedSource()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var source = Ids(2, 6, seed: 5);
        var target = Ids(2, 4, seed: 6);
        var plain = model.Decode(target, model.Encode(source, null), null, null);
        var padded = cat([source, full(2, 3, (long)Pad)], 1);
        var padding = Padding(9, 6, 6);
        var withPadding = model.Decode(target, model.Encode(padded, padding), padding, null);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(plain, withPadding));
    }

    [TestMethod]
    public void DecoderSelfAttentionIgnoresPaddedKeys()
    {
        // Without positions, prepending masked padding must leave the real positions exactly as they were:
        // only the key-padding mask keeps the decoder from seeing the pads (the causal mask would not).
        using var scope = NewDisposeScope();
        using var model = Create(Options(0) with { PositionalEncoding = PositionalEncoding.None });
        var target = Ids(2, 5, seed: 7);
        var plain = model.Decode(target, null, null, null);
        var leftPadded = cat([full(2, 3, (long)Pad), target], 1);
        var padding = cat([ones(2, 3, ScalarType.Bool), zeros(2, 5, ScalarType.Bool)], 1);
        var withPadding = model.Decode(leftPadded, null, null, padding);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(plain, withPadding[.., 3..]));
        var unmasked = model.Decode(leftPadded, null, null, null);
        Assert.IsGreaterThan(1e-3, MaxDiff(plain, unmasked[.., 3..]), "the pads are visible without the mask");
    }

    [TestMethod]
    public void AllPaddingRowsStayFinite()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        model.train();
        var sourcePadding = Padding(6, 6, 0);            // the second source is all padding
        var targetPadding = Padding(5, 0, 5);            // the first target is all padding
        var source = WithPads(Ids(2, 6, seed: 8), sourcePadding);
        var target = WithPads(Ids(2, 5, seed: 9), targetPadding);
        var logits = model.forward(source, sourcePadding, target, targetPadding);
        Assert.IsTrue(logits.isfinite().all().item<bool>(), "logits");
        logits.sum().backward();
        foreach (var p in model.parameters())
            Assert.IsTrue(p.grad is null || p.grad.isfinite().all().item<bool>(), "gradients");
    }
}
