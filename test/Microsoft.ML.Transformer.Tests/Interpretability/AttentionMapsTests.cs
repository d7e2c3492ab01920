using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Interpretability;
using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Interpretability;

[TestClass]
public sealed class AttentionMapsTests
{
    private const double Tolerance = 1e-5;

    /// <summary>Every visible row sums to 1; with <paramref name="causal"/>, every key after the query is exactly 0.</summary>
    private static void CheckRows(AttentionMaps maps, bool causal)
    {
        for (int l = 0; l < maps.LayerCount; l++)
            for (int h = 0; h < maps.HeadCount; h++)
            {
                var w = maps.Weights(l, h);
                for (int q = 0; q < maps.QueryTokens.Count; q++)
                {
                    double sum = 0;
                    for (int k = 0; k < maps.KeyTokens.Count; k++)
                    {
                        sum += w[q, k];
                        Assert.IsGreaterThanOrEqualTo(0f, w[q, k]);
                        if (causal && k > q)
                            Assert.AreEqual(0f, w[q, k], $"layer {l} head {h}: query {q} must not see the later key {k}");
                    }
                    Assert.AreEqual(1.0, sum, Tolerance, $"{maps.Kind} layer {l} head {h} query {q}");
                }
            }
    }

    [TestMethod]
    public void EncoderSelfAttentionOfEveryLayerAndHeadWithTheTextsTokens()
    {
        var model = AttentionTestModels.Classifier.Model;
        var explanation = AttentionExplainer.Explain(model, "I lost my card yesterday");
        Assert.IsNull(explanation.DecoderSelf);
        Assert.IsNull(explanation.Cross);
        Assert.IsNull(explanation.TargetTokens);
        var maps = explanation[AttentionKind.EncoderSelf];
        Assert.AreEqual(2, maps.LayerCount);
        Assert.AreEqual(2, maps.HeadCount);

        var tokens = explanation.SourceTokens;
        Assert.AreEqual("<cls>", tokens[0]);
        Assert.AreEqual("<sep>", tokens[^1]);
        Assert.AreEqual("I lost my card yesterday", string.Concat(tokens.Skip(1).SkipLast(1)), "the ordinary tokens spell the text");
        CollectionAssert.AreEqual(tokens.ToArray(), maps.QueryTokens.ToArray());
        CollectionAssert.AreEqual(tokens.ToArray(), maps.KeyTokens.ToArray());
        CheckRows(maps, causal: false);
        Assert.AreEqual(maps.Weights(1, 0)[2, 3], maps[1, 0, 2, 3]);
        Assert.HasCount(2 * 2 * tokens.Count * tokens.Count, maps.ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => explanation[AttentionKind.Cross]);
        StringAssert.Contains(e.Message, "encoder-decoder");
    }

    [TestMethod]
    public void PaddedKeysGetZeroAndRowsMatchTheirUnpaddedSelves()
    {
        var source = AttentionTestModels.Find(AttentionTestModels.Classifier.Model);
        var extractor = new AttentionExtractor(source.Network, source.Tokenizer, BatchLayout.Single, 64);
        string[] texts = ["my card", "where is the refund for the order I returned two weeks ago"];
        using var recorded = extractor.Record(texts);
        var weights = recorded.Recorder.EncoderSelf[0];                                   // [2, H, T, T]
        var single = extractor.Explain([texts[0]])[0].EncoderSelf!;
        int n = single.QueryTokens.Count;
        Assert.IsGreaterThan(n, (int)weights.shape[3], "the short row is padded");
        // Every query of the short row, real or padding, gives exactly 0 to the padded keys.
        Assert.AreEqual(0f, weights[0, .., .., n..].abs().max().item<float>());

        var cut = recorded.Explanation(0).EncoderSelf!;
        CollectionAssert.AreEqual(single.QueryTokens.ToArray(), cut.QueryTokens.ToArray());
        float[] a = single.ToArray(), b = cut.ToArray();
        Assert.HasCount(a.Length, b);
        for (int i = 0; i < a.Length; i++)
            Assert.AreEqual(a[i], b[i], Tolerance, $"weight {i}");
        CheckRows(cut, causal: false);
        CheckRows(recorded.Explanation(1).EncoderSelf!, causal: false);
    }

    [TestMethod]
    public void DecoderOnlyAttentionIsCausalAndIgnoresPadding()
    {
        var model = AttentionTestModels.DecoderOnly();
        var explanations = AttentionExplainer.Explain(model, ["hello there", "please reset the password of my banking app"]);
        foreach (var explanation in explanations)
        {
            Assert.IsNull(explanation.EncoderSelf);
            var maps = explanation[AttentionKind.DecoderSelf];
            Assert.AreEqual("<eos>", maps.QueryTokens[^1], "a decoder-only network reads text [EOS] by default");
            CheckRows(maps, causal: true);
        }
        var alone = AttentionExplainer.Explain(model, "hello there").DecoderSelf!.ToArray();
        var batched = explanations[0].DecoderSelf!.ToArray();
        for (int i = 0; i < alone.Length; i++)
            Assert.AreEqual(alone[i], batched[i], Tolerance);
        var e = Assert.Throws<ArgumentException>(() => AttentionExplainer.Explain(model, "hello", target: "there"));
        StringAssert.Contains(e.Message, "decoder-only");
    }

    [TestMethod]
    public void EncoderDecoderGivesCrossAttentionOverTheSourceForEachTargetToken()
    {
        var model = AttentionTestModels.EncoderDecoder();
        var explanation = AttentionExplainer.Explain(model, "the meeting is on monday", target: "monday meeting");
        var target = explanation.TargetTokens!;
        Assert.AreEqual("<bos>", target[0]);
        Assert.AreEqual("monday meeting", string.Concat(target.Skip(1)));
        Assert.AreEqual("<eos>", explanation.SourceTokens[^1]);

        var cross = explanation[AttentionKind.Cross];
        CollectionAssert.AreEqual(target.ToArray(), cross.QueryTokens.ToArray());
        CollectionAssert.AreEqual(explanation.SourceTokens.ToArray(), cross.KeyTokens.ToArray());
        CheckRows(cross, causal: false);
        CheckRows(explanation[AttentionKind.DecoderSelf], causal: true);
        CheckRows(explanation[AttentionKind.EncoderSelf], causal: false);
        Assert.Throws<InvalidOperationException>(() => cross.Rollout());

        var withoutTarget = AttentionExplainer.Explain(model, "the meeting is on monday");
        Assert.IsNull(withoutTarget.Cross);
        Assert.HasCount(1, withoutTarget.All);
    }

    [TestMethod]
    public void RolloutRowsSumToOneAndFollowTheFormula()
    {
        // One layer, one head, A = [[1, 0], [0.5, 0.5]]: (A + I) with rows renormalised = [[1, 0], [0.25, 0.75]].
        var one = new AttentionMaps(AttentionKind.EncoderSelf, ["a", "b"], ["a", "b"], 1, 1, [1f, 0f, 0.5f, 0.5f]);
        var r = one.Rollout();
        Assert.AreEqual(1f, r[0, 0]);
        Assert.AreEqual(0f, r[0, 1]);
        Assert.AreEqual(0.25f, r[1, 0], 1e-6);
        Assert.AreEqual(0.75f, r[1, 1], 1e-6);
        // Two layers multiply, the lower one first; two heads are averaged.
        var two = new AttentionMaps(AttentionKind.EncoderSelf, ["a", "b"], ["a", "b"], 2, 2,
            [1f, 0f, 0.5f, 0.5f, 1f, 0f, 0.5f, 0.5f, /* layer 1 */ 0f, 1f, 0f, 1f, 0f, 1f, 0f, 1f]);
        var r2 = two.Rollout(); // Â1 = [[0.5, 0.5], [0, 1]]; R = Â1 · [[1, 0], [0.25, 0.75]]
        Assert.AreEqual(0.625f, r2[0, 0], 1e-6);
        Assert.AreEqual(0.375f, r2[0, 1], 1e-6);
        Assert.AreEqual(0.25f, r2[1, 0], 1e-6);

        var real = AttentionExplainer.Explain(AttentionTestModels.DecoderOnly(), "where is my refund").DecoderSelf!.Rollout();
        for (int q = 0; q < real.GetLength(0); q++)
        {
            double sum = 0;
            for (int k = 0; k < real.GetLength(1); k++)
            {
                sum += real[q, k];
                if (k > q) Assert.AreEqual(0f, real[q, k], "the rollout of a causal model stays causal");
            }
            Assert.AreEqual(1.0, sum, Tolerance);
        }
    }

    [TestMethod]
    public void TokensSplitInsideACharacterAreLabelledReadably()
    {
        var bytes = Microsoft.ML.Transformer.Tokenization.TextTokenizer.Bytes();
        string text = "a😀b é";
        int[] ids = [bytes.Specials.Classification, .. bytes.Encode(text), bytes.Specials.Separator];
        string[] labels = TokenLabels.For(bytes, ids);
        CollectionAssert.AreEqual(new[] { "<cls>", "a", "😀[1/4]", "😀[2/4]", "😀[3/4]", "😀[4/4]", "b", " ", "é[1/2]", "é[2/2]", "<sep>" }, labels);
    }
}
