using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>
/// A padded batch runs the position-wise work of both stacks on its real positions only, in training as in inference.
/// Every real position must come out as the padded computation gives it, and so must every parameter's gradient,
/// whatever the variant; padding rows come out as zeros.
/// </summary>
[TestClass]
public sealed class PackedPaddingTests
{
    [TestMethod]
    [DataRow(NormPlacement.PostNorm, PositionalEncoding.Sinusoidal, AttentionVariant.Full)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Rotary, AttentionVariant.Full)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Learned, AttentionVariant.SlidingWindow)]
    [DataRow(NormPlacement.PostNorm, PositionalEncoding.Sinusoidal, AttentionVariant.Linear)]
    public void PackedEncodingGivesEveryRealPositionItsPaddedValue(NormPlacement norms, PositionalEncoding positions, AttentionVariant attention)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Variant(norms, positions, attention, decoderLayers: 0));
        var padding = Padding(9, 9, 4, 7, 1);
        var ids = WithPads(Ids(4, 9, seed: 11), padding);

        var (padded, packed) = Outputs(model, () => model.Encode(ids, padding));

        AssertSameAtRealPositions(padded, packed, padding);
    }

    [TestMethod]
    [DataRow(NormPlacement.PostNorm, PositionalEncoding.Sinusoidal, AttentionVariant.Full, 2)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Rotary, AttentionVariant.Full, 2)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Learned, AttentionVariant.SlidingWindow, 0)]
    [DataRow(NormPlacement.PostNorm, PositionalEncoding.Sinusoidal, AttentionVariant.Linear, 2)]
    [DataRow(NormPlacement.PreNorm, PositionalEncoding.Rotary, AttentionVariant.Full, 0)]
    public void PackedTrainingGivesThePaddedOutputsAndGradients(NormPlacement norms, PositionalEncoding positions, AttentionVariant attention, int encoderLayers)
    {
        using var scope = NewDisposeScope();
        using var model = Create(Variant(norms, positions, attention, encoderLayers: encoderLayers));
        var sourcePadding = encoderLayers > 0 ? Padding(8, 8, 3, 6) : null;
        var source = sourcePadding is null ? null : WithPads(Ids(3, 8, seed: 21), sourcePadding);
        var targetPadding = Padding(7, 5, 7, 2);
        var target = WithPads(Ids(3, 7, seed: 22), targetPadding);
        Tensor Hidden() => model.Decode(target, source is null ? null : model.Encode(source, sourcePadding), sourcePadding, targetPadding);

        var (padded, packed) = BothWays(model, training: true, Hidden, targetPadding);

        AssertSameAtRealPositions(padded.Output, packed.Output, targetPadding);
        Assert.AreEqual(padded.Gradients.Count, packed.Gradients.Count);
        double largest = 0;
        foreach (var (name, gradient) in padded.Gradients)
        {
            Assert.IsLessThan(1e-4, MaxDiff(gradient, packed.Gradients[name]), $"gradient of {name}");
            largest = Math.Max(largest, gradient.abs().max().item<float>());
        }
        Assert.IsGreaterThan(1e-3, largest, "a model without gradients would test nothing");
    }

    [TestMethod]
    public void ABatchWithoutPaddingTakesThePaddedPath()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var padding = Padding(6, 6, 6);
        var ids = Ids(2, 6, seed: 12);
        model.PacksPadding = false;
        var expected = model.Encode(ids, padding).detach();
        model.PacksPadding = true;
        Assert.AreEqual(0.0, MaxDiff(expected, model.Encode(ids, padding)));
    }

    private static ModelOptions Variant(NormPlacement norms, PositionalEncoding positions, AttentionVariant attention, int encoderLayers = 2, int decoderLayers = 2) =>
        Options(encoderLayers, decoderLayers) with { NormPlacement = norms, PositionalEncoding = positions, Attention = attention, AttentionWindow = 3 };

    // The output of run() [B, T, D] without packing, then with it, in inference.
    private static (Tensor Padded, Tensor Packed) Outputs(TextNetwork model, Func<Tensor> run)
    {
        using var noGrad = no_grad();
        var (padded, packed) = BothWays(model, training: false, run, padding: null);
        return (padded.Output, packed.Output);
    }

    // Each way: the output, and (given the padding) every parameter's gradient of a fixed weighted sum over the real positions.
    private static ((Tensor Output, Dictionary<string, Tensor> Gradients) Padded, (Tensor Output, Dictionary<string, Tensor> Gradients) Packed)
        BothWays(TextNetwork model, bool training, Func<Tensor> run, Tensor? padding)
    {
        model.train(training);
        (Tensor, Dictionary<string, Tensor>) Once(bool packs)
        {
            model.PacksPadding = packs;
            model.zero_grad();
            var output = run();                                                              // [B, T, D]
            var gradients = new Dictionary<string, Tensor>();
            if (padding is not null)   // weights the real positions only
            {
                var weights = randn(output.shape, generator: new Generator(5)) * padding.logical_not().unsqueeze(-1);
                (output * weights).sum().backward();
                foreach (var (name, p) in model.named_parameters())
                    if (p.grad is { } g) gradients[name] = g.clone();
            }
            return (output.detach(), gradients);
        }
        var padded = Once(packs: false);
        var packed = Once(packs: true);
        model.eval();
        return (padded, packed);
    }

    private static void AssertSameAtRealPositions(Tensor padded, Tensor packed, Tensor padding)
    {
        var real = padding.logical_not().unsqueeze(-1);                                       // [B, T, 1]
        Assert.IsLessThan(1e-5, MaxDiff(padded * real, packed * real));
        Assert.AreEqual(0.0, packed.masked_select(padding.unsqueeze(-1)).abs().max().item<float>(), "padding rows come back as zeros");
        Assert.IsGreaterThan(0.01, (padded * real).abs().max().item<float>(), "a model that outputs nothing would test nothing");
    }
}
