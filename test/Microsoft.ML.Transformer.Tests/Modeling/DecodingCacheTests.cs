using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>Step-by-step decoding with the key/value cache must give the logits of the full forward pass.</summary>
[TestClass]
public sealed class DecodingCacheTests
{
    private const double Tolerance = 1e-5;

    [TestMethod]
    [DataRow(NormPlacement.PreNorm, Precision.Float32, PositionalEncoding.Sinusoidal)]
    [DataRow(NormPlacement.PostNorm, Precision.Float32, PositionalEncoding.Sinusoidal)]
    [DataRow(NormPlacement.PreNorm, Precision.Float32, PositionalEncoding.Rotary)]
    public void EncoderDecoderStepsEqualTheFullPass(NormPlacement placement, Precision precision, PositionalEncoding positions)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options() with { NormPlacement = placement, PositionalEncoding = positions });
        model.Precision = precision;
        var sourcePadding = Padding(7, 7, 4, 6);
        var memory = model.Encode(WithPads(Ids(3, 7, seed: 1), sourcePadding), sourcePadding);
        var target = Ids(3, 9, seed: 2);
        var full = model.Logits(model.Decode(target, memory, sourcePadding, null)); // [B, T, V]
        using var cache = model.StartDecoding(memory, sourcePadding, 3, 9);
        for (int t = 0; t < 9; t++)
        {
            var step = model.Step(target[.., t], cache);                                 // [B, V]
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], step), $"step {t}");
        }
        Assert.AreEqual(9L, cache.Length);
        Assert.ThrowsExactly<InvalidOperationException>(() => model.Step(target[.., 0], cache));
    }

    [TestMethod]
    [DataRow(PositionalEncoding.Learned)]
    [DataRow(PositionalEncoding.Rotary)]
    public void DecoderOnlyPrefillThenStepsEqualTheFullPass(PositionalEncoding positions)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(0) with { PositionalEncoding = positions, TieEmbeddings = true });
        var tokens = Ids(2, 10, seed: 3);
        var full = model.Logits(model.Decode(tokens, null, null, null));
        using var cache = model.StartDecoding(null, null, 2, 10);
        var prompt = model.Prefill(tokens[.., ..4], cache);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., 3], prompt));
        var more = model.Prefill(tokens[.., 4..7], cache);                                // a second chunk at an offset
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., 6], more));
        for (int t = 7; t < 10; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], model.Step(tokens[.., t], cache)), $"step {t}");
    }

    [TestMethod]
    public void LeftPaddedPromptsMatchTheFullPassWithPadding()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(0));
        var padding = cat([tensor(new[] { true, true, false, false, false }).unsqueeze(0), zeros(1, 5, ScalarType.Bool)], 0);
        var tokens = WithPads(Ids(2, 8, seed: 4), cat([padding, zeros(2, 3, ScalarType.Bool)], 1));
        var full = model.Logits(model.Decode(tokens, null, null, cat([padding, zeros(2, 3, ScalarType.Bool)], 1)));
        using var cache = model.StartDecoding(null, null, 2, 8);
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., 4], model.Prefill(tokens[.., ..5], cache, padding)));
        for (int t = 5; t < 8; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], model.Step(tokens[.., t], cache)), $"step {t}");
    }

    [TestMethod]
    public void ReorderFollowsTheChosenSequences()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var sourcePadding = Padding(6, 6, 3, 5);
        var source = WithPads(Ids(3, 6, seed: 5), sourcePadding);
        var target = Ids(3, 6, seed: 6);
        using var cache = model.StartDecoding(model.Encode(source, sourcePadding), sourcePadding, 3, 6);
        for (int t = 0; t < 3; t++) model.Step(target[.., t], cache);

        // Keep sequence 2 twice and sequence 0 once, as beam search might; then carry on.
        var order = tensor(new long[] { 2, 0, 2 });
        cache.Reorder(order);
        var source2 = source.index_select(0, order);
        var padding2 = sourcePadding.index_select(0, order);
        var target2 = target.index_select(0, order);
        var full = model.Logits(model.Decode(target2, model.Encode(source2, padding2), padding2, null));
        Assert.AreEqual(3L, cache.BatchSize);
        for (int t = 3; t < 6; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], model.Step(target2[.., t], cache)), $"step {t}");
    }

    [TestMethod]
    public void BeamsReorderedWithinTheirSourcesKeepTheEncoderState()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var sourcePadding = Padding(6, 6, 4);
        var source = WithPads(Ids(2, 6, seed: 10), sourcePadding);
        var target = Ids(4, 6, seed: 11);
        using var cache = model.StartDecoding(model.Encode(source, sourcePadding), sourcePadding, 2, 6);
        var beams = tensor(new long[] { 0, 0, 1, 1 });   // two beams per source, as beam search starts
        cache.Reorder(beams);
        for (int t = 0; t < 3; t++) model.Step(target[.., t], cache);

        var crossKeys = cache.CrossKeys[0];
        var order = tensor(new long[] { 1, 1, 3, 2 });   // each row takes a beam of its own source
        cache.Reorder(order, sourcesUnchanged: true);
        Assert.AreSame(crossKeys, cache.CrossKeys[0], "the encoder state is kept, not copied");

        var source2 = source.index_select(0, beams);
        var padding2 = sourcePadding.index_select(0, beams);
        var target2 = target.index_select(0, order);
        var full = model.Logits(model.Decode(target2, model.Encode(source2, padding2), padding2, null));
        for (int t = 3; t < 6; t++)
            Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], model.Step(target2[.., t], cache)), $"step {t}");
    }

    [TestMethod]
    public void ReorderCanExpandTheBatchForBeams()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options(0));
        var tokens = Ids(2, 5, seed: 7);
        using var cache = model.StartDecoding(null, null, 2, 5);
        model.Prefill(tokens[.., ..2], cache);
        var beams = tensor(new long[] { 0, 0, 0, 1, 1, 1 });
        cache.Reorder(beams);
        var expanded = tokens.index_select(0, beams);
        var full = model.Logits(model.Decode(expanded, null, null, null));
        Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., 2], model.Step(expanded[.., 2], cache)));
    }

    [TestMethod]
    public void CacheSurvivesTheStepScopes()
    {
        using var model = Create(Options());
        using var outer = NewDisposeScope();
        var memory = model.Encode(Ids(2, 5, seed: 8), null);
        var target = Ids(2, 4, seed: 9);
        var full = model.Logits(model.Decode(target, memory, null, null));
        DecoderCache cache;
        using (NewDisposeScope()) cache = model.StartDecoding(memory, null, 2, 4);
        using (cache)
        {
            for (int t = 0; t < 4; t++)
            {
                using var stepScope = NewDisposeScope();
                var logits = model.Step(target[.., t], cache);
                Assert.IsLessThanOrEqualTo(Tolerance, MaxDiff(full[.., t], logits), $"step {t}");
            }
        }
    }
}
