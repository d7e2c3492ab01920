using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class AttentionWeightsTests
{
    [TestMethod]
    public void RecordedWeightsAreProbabilitiesOverVisibleKeysAndChangeNothing()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        var sourcePadding = Padding(6, 6, 4);
        var targetPadding = Padding(5, 5, 3);
        var source = WithPads(Ids(2, 6, seed: 1), sourcePadding);
        var target = WithPads(Ids(2, 5, seed: 2), targetPadding);
        var fast = model.forward(source, sourcePadding, target, targetPadding);
        using var recorder = new AttentionRecorder();
        var recorded = model.forward(source, sourcePadding, target, targetPadding, recorder);
        // Padding rows differ by design: recording keeps the padded layout, the fast path skips them (PackedPositions).
        var real = targetPadding.logical_not().unsqueeze(-1);                                       // [B, T, 1]
        Assert.IsLessThanOrEqualTo(1e-5, MaxDiff(fast * real, recorded * real), "capturing must not change the outputs");

        Assert.HasCount(2, recorder.EncoderSelf);
        Assert.HasCount(2, recorder.DecoderSelf);
        Assert.HasCount(2, recorder.Cross);
        var future = ones(5, 5, ScalarType.Bool).triu(1);                                         // [Tq, Tk]
        for (int layer = 0; layer < 2; layer++)
        {
            // Encoder: only the 4 real keys of row 1 are visible, for every query.
            CheckRows(recorder.EncoderSelf[layer], sourcePadding.unsqueeze(1).expand(2, 6, 6), realQueries: Padding(6, 6, 4).logical_not());
            CheckRows(recorder.Cross[layer], sourcePadding.unsqueeze(1).expand(2, 5, 6), realQueries: targetPadding.logical_not());
            var selfHidden = targetPadding.unsqueeze(1) | future.unsqueeze(0);                       // [B, Tq, Tk]
            CheckRows(recorder.DecoderSelf[layer], selfHidden, realQueries: targetPadding.logical_not());
        }
    }

    // weights [B, H, Tq, Tk]; hidden [B, Tq, Tk] true where a key must get 0; rows of real queries sum to 1.
    private static void CheckRows(Tensor weights, Tensor hidden, Tensor realQueries)
    {
        Assert.AreEqual(4L, weights.shape[1], "heads");
        Assert.AreEqual(ScalarType.Float32, weights.dtype);
        var hiddenPerHead = hidden.unsqueeze(1).expand_as(weights);
        Assert.AreEqual(0.0, weights.masked_select(hiddenPerHead).abs().max().item<float>(), "masked keys get exactly 0");
        var sums = weights.sum(-1);                                                                 // [B, H, Tq]
        var realRows = realQueries.unsqueeze(1).expand_as(sums);
        Assert.IsLessThanOrEqualTo(1e-5, (sums.masked_select(realRows) - 1).abs().max().item<float>(), "rows sum to 1");
        Assert.IsTrue(weights.isfinite().all().item<bool>());
    }

    [TestMethod]
    public void RecorderOwnsItsTensors()
    {
        using var model = Create(Options(2, 0));
        using var recorder = new AttentionRecorder();
        using (NewDisposeScope())
            model.Encode(Ids(1, 4, seed: 3), null, recorder);
        // [1 sequence, 4 heads, 4 queries, 4 keys], each row summing to 1, still readable after the scope ended.
        Assert.AreEqual(16.0, recorder.EncoderSelf[0].sum().item<float>(), 1e-4);
    }
}
