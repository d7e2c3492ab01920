using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Attention;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Tests.Interpretability;

[TestClass]
public sealed class AttentionWeightsTransformTests
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Summary { get; set; } = "";
    }

    public sealed class Weights
    {
        public float[] Attention { get; set; } = [];
        public string[] AttentionQueryTokens { get; set; } = [];
        public string[] AttentionKeyTokens { get; set; } = [];
    }

    // Reads only the first rows: the cursor stops there, so only their mini-batch is computed.
    private static Weights[] Run(ITransformer model, IDataView data, int rows = int.MaxValue) =>
        AttentionTestModels.Classifier.Ml.Data.CreateEnumerable<Weights>(model.Transform(data), reuseRowObject: false).Take(rows).ToArray();

    [TestMethod]
    public void ColumnsHoldEveryLayerAndHeadFlattenedWithTheTokens()
    {
        var t = AttentionTestModels.Classifier;
        var model = t.Ml.Transforms.Text.TransformerAttentionWeights("Attention", "Text", t.Model).Fit(t.Test);
        Assert.AreEqual(AttentionKind.EncoderSelf, model.Kind);
        var schema = model.Transform(t.Test).Schema;
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single), schema["Attention"].Type, "a variable-length vector");
        Assert.AreEqual(new VectorDataViewType(TextDataViewType.Instance), schema["AttentionQueryTokens"].Type);

        var rows = Run(model, t.Test, 6);
        var expected = AttentionExplainer.Explain(t.Model, t.TestRows.Take(6).Select(r => r.Text).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            var maps = expected[i].EncoderSelf!;
            CollectionAssert.AreEqual(maps.QueryTokens.ToArray(), rows[i].AttentionQueryTokens);
            CollectionAssert.AreEqual(maps.KeyTokens.ToArray(), rows[i].AttentionKeyTokens);
            int n = maps.QueryTokens.Count;
            Assert.HasCount(2 * 2 * n * n, rows[i].Attention, "[layer, head, query, key]");
            float[] flat = maps.ToArray();
            for (int j = 0; j < flat.Length; j++)
                Assert.AreEqual(flat[j], rows[i].Attention[j], 1e-5, $"row {i} weight {j}");
        }

        var engine = t.Ml.Model.CreatePredictionEngine<Row, Weights>(model, ignoreMissingColumns: true);
        var one = engine.Predict(new Row { Text = t.TestRows[2].Text });
        for (int j = 0; j < one.Attention.Length; j++)
            Assert.AreEqual(rows[2].Attention[j], one.Attention[j], 1e-5);
    }

    [TestMethod]
    public void SelectedLayersHeadsAndRollout()
    {
        var t = AttentionTestModels.Classifier;
        var data = t.Ml.Data.LoadFromEnumerable(new[] { new Row { Text = "where is my refund" } });
        var explained = AttentionExplainer.Explain(t.Model, "where is my refund").EncoderSelf!;
        int n = explained.QueryTokens.Count;

        var picked = t.Ml.Transforms.Text.TransformerAttentionWeights(new AttentionWeightsOptions { BaseModel = t.Model, Layers = [1], Heads = [1, 0] }).Fit(data);
        float[] weights = Run(picked, data)[0].Attention;
        Assert.HasCount(2 * n * n, weights);
        Assert.AreEqual(explained[1, 1, 2, 3], weights[2 * n + 3], "the first block is layer 1, head 1");
        Assert.AreEqual(explained[1, 0, 2, 3], weights[n * n + 2 * n + 3], "then layer 1, head 0");

        var rollout = t.Ml.Transforms.Text.TransformerAttentionWeights(new AttentionWeightsOptions { BaseModel = t.Model, Rollout = true }).Fit(data);
        float[] r = Run(rollout, data)[0].Attention;
        var expected = explained.Rollout();
        Assert.HasCount(n * n, r);
        for (int q = 0; q < n; q++)
        {
            Assert.AreEqual(1.0, r.Skip(q * n).Take(n).Sum(), 1e-5, $"rollout row {q}");
            for (int k = 0; k < n; k++)
                Assert.AreEqual(expected[q, k], r[q * n + k], 1e-5);
        }
    }

    [TestMethod]
    public void CrossAttentionOfAnEncoderDecoderReadsTheTargetColumn()
    {
        var t = AttentionTestModels.Classifier;
        var model = AttentionTestModels.EncoderDecoder();
        var data = t.Ml.Data.LoadFromEnumerable(new[]
        {
            new Row { Text = "the meeting is on monday at noon", Summary = "monday meeting" },
            new Row { Text = "refund please", Summary = "refund" },
        });
        var cross = t.Ml.Transforms.Text.TransformerAttentionWeights(new AttentionWeightsOptions
        {
            BaseModel = model, Kind = AttentionKind.Cross, TargetColumnName = "Summary", Heads = [3],
        }).Fit(data);
        var rows = Run(cross, data);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual("<bos>", rows[i].AttentionQueryTokens[0]);
            Assert.AreEqual("<eos>", rows[i].AttentionKeyTokens[^1]);
            int q = rows[i].AttentionQueryTokens.Length, k = rows[i].AttentionKeyTokens.Length;
            Assert.HasCount(2 * 1 * q * k, rows[i].Attention);
            for (int row = 0; row < 2 * q; row++)
                Assert.AreEqual(1.0, rows[i].Attention.Skip(row * k).Take(k).Sum(), 1e-5);
        }
    }

    [TestMethod]
    public void RequestsTheNetworkCannotAnswerGetClearErrors()
    {
        var t = AttentionTestModels.Classifier;
        var text = t.Ml.Transforms.Text;
        var e1 = Assert.Throws<ArgumentException>(() => text.TransformerAttentionWeights(new AttentionWeightsOptions { BaseModel = t.Model, Kind = AttentionKind.Cross }).Fit(t.Test));
        StringAssert.Contains(e1.Message, "encoder-decoder");
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => text.TransformerAttentionWeights(new AttentionWeightsOptions { BaseModel = t.Model, Layers = [2] }).Fit(t.Test));
        StringAssert.Contains(e2.Message, "layer 2, but the network has 2");
        var e3 = Assert.Throws<ArgumentException>(() => text.TransformerAttentionWeights(new AttentionWeightsOptions
        {
            BaseModel = AttentionTestModels.EncoderDecoder(), Kind = AttentionKind.DecoderSelf,
        }).Fit(t.Test));
        StringAssert.Contains(e3.Message, "TargetColumnName");
        Assert.Throws<ArgumentException>(() => text.TransformerAttentionWeights(new AttentionWeightsOptions { BaseModel = t.Model, Kind = AttentionKind.Cross, Rollout = true }));
    }

    [TestMethod]
    public void SavedAndReloadedGivesIdenticalColumns()
    {
        var t = AttentionTestModels.Classifier;
        var model = t.Ml.Transforms.Text.TransformerAttentionWeights(new AttentionWeightsOptions { BaseModel = t.Model, Layers = [0], ScoringBatchSize = 5 }).Fit(t.Test);
        string path = Path.Combine(TestPaths.NewTempDir(), "attention.zip");
        t.Ml.Model.Save(model, t.Test.Schema, path);
        var loaded = new MLContext(2).Model.Load(path, out _);
        var before = Run(model, t.Test, 12);
        var after = Run(loaded, t.Test, 12);
        for (int i = 0; i < before.Length; i++)
        {
            CollectionAssert.AreEqual(before[i].Attention, after[i].Attention, $"row {i}");
            CollectionAssert.AreEqual(before[i].AttentionKeyTokens, after[i].AttentionKeyTokens);
        }
    }
}
