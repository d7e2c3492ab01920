using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>
/// Inference over a padded batch runs the encoder's position-wise work on the real positions only. Every real position
/// must come out as the padded computation gives it (the one gradients go through), whatever the variant.
/// </summary>
[TestClass]
public sealed class PackedEncoderTests
{
    [TestMethod]
    [DataRow(NormPlacement.PostNorm, PositionalEncoding.Sinusoidal, AttentionVariant.Full)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Rotary, AttentionVariant.Full)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Learned, AttentionVariant.SlidingWindow)]
    [DataRow(NormPlacement.PostNorm, PositionalEncoding.Sinusoidal, AttentionVariant.Linear)]
    public void PackedInferenceGivesEveryRealPositionItsPaddedValue(NormPlacement norms, PositionalEncoding positions, AttentionVariant attention)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options() with
        {
            NormPlacement = norms, PositionalEncoding = positions, Attention = attention, AttentionWindow = 3,
        });
        var padding = Padding(9, 9, 4, 7, 1);
        var ids = WithPads(Ids(4, 9, seed: 11), padding);

        var padded = model.Encode(ids, padding).detach();          // gradients on: the padded path
        Tensor packed;
        using (no_grad())
            packed = model.Encode(ids, padding);                    // inference: packed

        var real = padding.logical_not().unsqueeze(-1);              // [B, S, 1]
        Assert.IsLessThan(1e-5, MaxDiff(padded * real, packed * real));
        Assert.AreEqual(0.0, packed.masked_select(padding.unsqueeze(-1)).abs().max().item<float>(), "padding rows come back as zeros");
        Assert.IsGreaterThan(0.01, (padded * real).abs().max().item<float>(), "a model that outputs nothing would test nothing");
    }

    [TestMethod]
    public void ABatchWithoutPaddingTakesThePaddedPath()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var padding = Padding(6, 6, 6);
        var ids = Ids(2, 6, seed: 12);
        var expected = model.Encode(ids, padding).detach();
        using var noGrad = no_grad();
        Assert.AreEqual(0.0, MaxDiff(expected, model.Encode(ids, padding)));
    }
}
