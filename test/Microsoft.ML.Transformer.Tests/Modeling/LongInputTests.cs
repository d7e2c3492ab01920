using System.Text.Json;
using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>The attention variants inside whole models, their options, and the sequence-length limit.</summary>
[TestClass]
public sealed class LongInputTests
{
    private const double Tolerance = 1e-5;

    private static ModelOptions With(AttentionVariant variant, int encoderLayers = 2) =>
        Options(encoderLayers) with { Attention = variant, AttentionWindow = 3, GlobalTokens = 1 };

    [TestMethod]
    [DataRow(AttentionVariant.SlidingWindow)]
    [DataRow(AttentionVariant.Linear)]
    public void EncoderDecoderStepsEqualTheFullPass(AttentionVariant variant)
    {
        using var scope = NewDisposeScope();
        using var model = Create(With(variant));
        var sourcePadding = Padding(11, 11, 6);
        var memory = model.Encode(WithPads(Ids(2, 11, seed: 1), sourcePadding), sourcePadding);
        var target = Ids(2, 12, seed: 2);
        var full = model.Logits(model.Decode(target, memory, sourcePadding, null)); // [B, T, V]
        using var cache = model.StartDecoding(memory, sourcePadding, 2, 12);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., 4], model.Prefill(target[.., ..5], cache)));
        for (int t = 5; t < 12; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], model.Step(target[.., t], cache)), $"step {t}");
    }

    [TestMethod]
    [DataRow(AttentionVariant.SlidingWindow)]
    [DataRow(AttentionVariant.Linear)]
    public void LeftPaddedDecoderOnlyStepsEqualTheFullPass(AttentionVariant variant)
    {
        using var scope = NewDisposeScope();
        using var model = Create(With(variant, encoderLayers: 0));
        var promptPadding = Padding(6, 6, 6).logical_or(arange(6).lt(2).unsqueeze(0) & tensor(new[] { false, true }).unsqueeze(1));
        var padding = cat([promptPadding, zeros(2, 6, ScalarType.Bool)], 1);              // row 1: two left pads
        var tokens = WithPads(Ids(2, 12, seed: 3), padding);
        var full = model.Logits(model.Decode(tokens, null, null, padding));
        using var cache = model.StartDecoding(null, null, 2, 12);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., 5], model.Prefill(tokens[.., ..6], cache, promptPadding)));
        for (int t = 6; t < 12; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], model.Step(tokens[.., t], cache)), $"step {t}");
    }

    [TestMethod]
    [DataRow(AttentionVariant.SlidingWindow)]
    [DataRow(AttentionVariant.Linear)]
    public void FutureTokensDoNotChangeEarlierOutputs(AttentionVariant variant)
    {
        using var scope = NewDisposeScope();
        using var model = Create(With(variant, encoderLayers: 0));
        var a = Ids(2, 14, seed: 4);
        var b = cat([a[.., ..8], Ids(2, 6, seed: 5)], 1);
        var (ha, hb) = (model.Decode(a, null, null, null), model.Decode(b, null, null, null));
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(ha[.., ..8], hb[.., ..8]));
        Assert.IsGreaterThan(1e-3, MaxDiff(ha[.., 8..], hb[.., 8..]));
    }

    [TestMethod]
    [DataRow(AttentionVariant.SlidingWindow)]
    [DataRow(AttentionVariant.Linear)]
    public void EncoderRowsMatchTheirUnpaddedSelves(AttentionVariant variant)
    {
        using var scope = NewDisposeScope();
        using var model = Create(With(variant, encoderLayers: 2) with { DecoderLayers = 0 });
        var ids = Ids(1, 9, seed: 6);
        var alone = model.Encode(ids, null);                                                  // [1, 9, D]
        var padding = Padding(15, 9);
        var padded = model.Encode(cat([ids, Ids(1, 6, seed: 7)], 1), padding);                // garbage after position 9
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(alone, padded[.., ..9]));
    }

    [TestMethod]
    public void OptionsRoundTripAndOlderJsonTakesTheDefaults()
    {
        var options = Options() with
        {
            Attention = AttentionVariant.SlidingWindow, AttentionWindow = 64, GlobalTokens = 2, AllowLengthExtrapolation = true,
        };
        Assert.AreEqual(options, ModelOptions.FromJson(options.ToJson()));
        StringAssert.Contains(options.ToJson(), "\"SlidingWindow\"");
        var old = ModelOptions.FromJson("{\"VocabularySize\": 100}");
        Assert.AreEqual(AttentionVariant.Full, old.Attention);
        Assert.AreEqual(128, old.AttentionWindow);
        Assert.AreEqual(1, old.GlobalTokens);
        Assert.IsFalse(old.AllowLengthExtrapolation);
        Assert.ThrowsExactly<JsonException>(() => ModelOptions.FromJson("{\"VocabularySize\": 100, \"Attention\": \"Sparse\"}"));
    }

    [TestMethod]
    public void InvalidOptionsAreNamed()
    {
        var options = Options();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => (options with { AttentionWindow = 0 }).Validate()).Message, "AttentionWindow must be between 1 and 1,048,576; found 0.");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => (options with { GlobalTokens = -1 }).Validate()).Message, "GlobalTokens must be between 0 and 1,048,576; found -1.");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => (options with { Attention = (AttentionVariant)7 }).Validate()).Message, "Attention must be one of");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (options with
        {
            PositionalEncoding = PositionalEncoding.Learned, AllowLengthExtrapolation = true,
        }).Validate()).Message, "AllowLengthExtrapolation");
    }

    [TestMethod]
    [DataRow(PositionalEncoding.Sinusoidal)]
    [DataRow(PositionalEncoding.Learned)]
    [DataRow(PositionalEncoding.None)]
    public void LongerThanMaxLengthIsRefusedWithAClearError(PositionalEncoding positions)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options() with { MaxLength = 8, PositionalEncoding = positions });
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Encode(Ids(1, 9, seed: 1), null));
        StringAssert.Contains(error.Message, "Sequence length (9) exceeds MaxLength (8)");
        StringAssert.Contains(error.Message, "AllowLengthExtrapolation");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Decode(Ids(1, 9, seed: 1), model.Encode(Ids(1, 3, seed: 2), null), null, null));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.StartDecoding(model.Encode(Ids(1, 3, seed: 2), null), null, 1, 9));
    }

    [TestMethod]
    [DataRow(AttentionVariant.Full)]
    [DataRow(AttentionVariant.Linear)]
    public void SinusoidalModelsMayExtrapolateWhenAllowed(AttentionVariant variant)
    {
        using var scope = NewDisposeScope();
        var options = With(variant, encoderLayers: 0) with { MaxLength = 8 };
        using var bounded = Create(options);
        using var extrapolating = Create(options with { AllowLengthExtrapolation = true });
        var ids = Ids(1, 20, seed: 3);
        var longer = extrapolating.Decode(ids, null, null, null);                            // [1, 20, D]
        Assert.AreEqual(20L, longer.shape[1]);
        Assert.IsFalse(longer.isnan().any().item<bool>());
        // Within the trained range both models are the same function; beyond it, decoding steps agree with the pass.
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(bounded.Decode(ids[.., ..8], null, null, null), longer[.., ..8]));
        using var cache = extrapolating.StartDecoding(null, null, 1, 20);
        var full = extrapolating.Logits(longer);
        for (int t = 0; t < 20; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], extrapolating.Step(ids[.., t], cache)), $"step {t}");
    }
}
