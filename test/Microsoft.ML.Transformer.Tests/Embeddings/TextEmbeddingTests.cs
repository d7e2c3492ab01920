using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tests.Classification;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Embeddings;

/// <summary>Embeddings from the tiny classifier of <see cref="ClassifierFixture"/> (a 64-wide, 2-layer encoder).</summary>
[TestClass]
public sealed class TextEmbeddingTests
{
    public sealed class Embedded
    {
        public string Text { get; set; } = "";
        public float[] Features { get; set; } = [];
    }

    private static TextEmbeddingTransformer Fit(bool normalize = false, int batchSize = 64)
    {
        var t = ClassifierFixture.Model;
        return t.Ml.Transforms.Text.TransformerEmbeddings(new TextEmbeddingOptions
        {
            OutputColumnName = "Features",
            InputColumnName = "Text",
            BaseModel = t.Model,
            Normalize = normalize,
            ScoringBatchSize = batchSize,
        }).Fit(t.Test);
    }

    private static Embedded[] Transform(ITransformer model, IDataView data) =>
        ClassifierFixture.Model.Ml.Data.CreateEnumerable<Embedded>(model.Transform(data), reuseRowObject: false).ToArray();

    [TestMethod]
    public void AddsAFixedSizeVectorColumnOfTheNetworksWidth()
    {
        var t = ClassifierFixture.Model;
        var model = t.Ml.Transforms.Text.TransformerEmbeddings("Features", "Text", t.Model).Fit(t.Test);
        Assert.AreEqual(64, model.Dimension);
        Assert.AreEqual(Pooling.Mean, model.Pooling);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 64), model.Transform(t.Test).Schema["Features"].Type);
        var rows = Transform(model, t.Test);
        Assert.HasCount(t.TestRows.Length, rows);
        Assert.IsTrue(rows.All(r => r.Features.Length == 64 && r.Features.All(float.IsFinite)));
        Assert.AreEqual(t.TestRows[7].Text, rows[7].Text, "input columns pass through in order");
    }

    [TestMethod]
    public void BatchedTransformMatchesPredictionEngine()
    {
        var t = ClassifierFixture.Model;
        var model = Fit(batchSize: 16);
        var batched = Transform(model, t.Test).Take(40).ToArray();
        var engine = t.Ml.Model.CreatePredictionEngine<ClassifierFixture.Row, Embedded>(model);
        for (int i = 0; i < batched.Length; i++)
        {
            var single = engine.Predict(t.TestRows[i]).Features;
            for (int d = 0; d < single.Length; d++)
                Assert.AreEqual(batched[i].Features[d], single[d], 1e-5, $"row {i} value {d}");
        }
    }

    [TestMethod]
    public void NormalizedVectorsHaveUnitLengthAndPointTheSameWay()
    {
        var t = ClassifierFixture.Model;
        var plain = Transform(Fit(), t.Test).Take(30).ToArray();
        var unit = Transform(Fit(normalize: true), t.Test).Take(30).ToArray();
        for (int i = 0; i < unit.Length; i++)
        {
            double norm = Math.Sqrt(unit[i].Features.Sum(x => (double)x * x));
            Assert.AreEqual(1.0, norm, 1e-5, $"row {i}");
            double plainNorm = Math.Sqrt(plain[i].Features.Sum(x => (double)x * x));
            for (int d = 0; d < 64; d++)
                Assert.AreEqual(plain[i].Features[d] / plainNorm, unit[i].Features[d], 1e-5);
        }
    }

    [TestMethod]
    public void MeanPoolingIgnoresPadding()
    {
        var model = Fit();
        string shortText = "lost my card";
        string longText = string.Join(" ", Enumerable.Repeat("please help me with the refund of my order from last week", 3));
        float[] alone = model.Embed([shortText])[0];
        float[][] padded = model.Embed([longText, shortText, "hi"]);
        Assert.AreEqual(64, alone.Length);
        for (int d = 0; d < alone.Length; d++)
            Assert.AreEqual(alone[d], padded[1][d], 1e-5, "the short row is padded to the long one; its vector must not move");
        Assert.IsGreaterThan(1e-3, alone.Zip(padded[0]).Max(p => Math.Abs(p.First - p.Second)), "different texts, different vectors");
    }

    [TestMethod]
    public void EmptyTextGetsAVectorAndKeepsRowsAligned()
    {
        var model = Fit();
        var vectors = model.Embed(["lost my card", "", "where is my refund"]);
        Assert.HasCount(3, vectors);
        Assert.IsTrue(vectors.All(v => v.Length == 64 && v.All(float.IsFinite)));
        CollectionAssert.AreEqual(model.Embed(["where is my refund"])[0].Select(x => MathF.Round(x, 4)).ToArray(),
            vectors[2].Select(x => MathF.Round(x, 4)).ToArray());
    }

    [TestMethod]
    public void TheNetworkIsACopy()
    {
        var first = Fit();
        var second = ClassifierFixture.Model.Ml.Transforms.Text.TransformerEmbeddings("Features", "Text", first).Fit(ClassifierFixture.Model.Test);
        float[] before = second.Embed(["lost my card"])[0];
        // An explicit Scalar, disposed after the calls: an implicitly converted one is freed by its finalizer, which a
        // collection on another thread can run while libtorch still reads it (seen once in ~400 runs of this test).
        using (no_grad())
        using (var one = 1.0.ToScalar())
            foreach (var p in first.Source!.Network.parameters())
                p.add_(one);
        CollectionAssert.AreEqual(before, second.Embed(["lost my card"])[0], "changing the source's weights leaves the copy alone");
        Assert.AreNotEqual(before[0], first.Embed(["lost my card"])[0][0]);
    }

    [TestMethod]
    public void SdcaTrainsOnTheColumn()
    {
        var t = ClassifierFixture.Model;
        var ml = t.Ml;
        var pipeline = ml.Transforms.Text.TransformerEmbeddings("Features", "Text", t.Model, normalize: true)
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Intent"))
            // One SDCA thread: its parallel updates otherwise make the accuracy depend on thread timing.
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Label", FeatureColumnName = "Features", MaximumNumberOfIterations = 100, NumberOfThreads = 1,
            }));
        var model = pipeline.Fit(t.Train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(t.Test));
        Console.WriteLine($"SDCA on embeddings: accuracy {metrics.MicroAccuracy:F4}");
        Assert.IsGreaterThanOrEqualTo(0.85, metrics.MicroAccuracy, "the classifier's encoder separates its own intents");
    }

    [TestMethod]
    public void DecoderOnlyNetworkPoolsTheLastTokenOfEachRow()
    {
        var t = ClassifierFixture.Model;
        var source = Fit().Source!.Tokenizer;
        var options = new ModelOptions
        {
            VocabularySize = source.VocabularySize, ModelDimension = 32, Heads = 2, EncoderLayers = 0, DecoderLayers = 2,
            FeedForwardDimension = 64, MaxLength = 64, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        random.manual_seed(3);
        var settings = new EmbeddingSettings("Text", "Features", Microsoft.ML.Transformer.Batching.BatchLayout.Seq2Seq, 64, Microsoft.ML.Transformer.Tokenization.TruncationSide.KeepHead,
            Pooling.Mean, false, 8, ComputeDevice.Cpu);
        var decoderOnly = new TextEmbeddingTransformer(t.Ml, new TextNetwork(options), source, settings);

        var model = t.Ml.Transforms.Text.TransformerEmbeddings("Features", "Text", decoderOnly).Fit(t.Test);
        Assert.AreEqual(Pooling.LastToken, model.Pooling, "a causal network is read at its last position");
        Assert.AreEqual(32, model.Dimension);
        float[] alone = model.Embed(["my card"])[0];
        float[] batched = model.Embed(["where is the refund for my order from last week", "my card"])[1];
        for (int d = 0; d < alone.Length; d++)
            Assert.AreEqual(alone[d], batched[d], 1e-5);
    }

    [TestMethod]
    public void BadOptionsAndColumnsGetClearErrors()
    {
        var t = ClassifierFixture.Model;
        var text = t.Ml.Transforms.Text;
        var e1 = Assert.Throws<ArgumentException>(() => text.TransformerEmbeddings(new TextEmbeddingOptions()));
        StringAssert.Contains(e1.Message, "BaseModel");
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => text.TransformerEmbeddings("Features", "Body", t.Model).Fit(t.Test));
        StringAssert.Contains(e2.Message, "'Body'");
        var e3 = Assert.Throws<ArgumentException>(() => text.TransformerEmbeddings("Features", "Text", t.Ml.Transforms.Conversion.MapValueToKey("Label", "Intent").Fit(t.Train)).Fit(t.Test));
        StringAssert.Contains(e3.Message, "holds no Transformer network");
        var e4 = Assert.Throws<FileNotFoundException>(() => text.TransformerEmbeddings(new TextEmbeddingOptions { BaseModelPath = "/nonexistent/model.zip" }).Fit(t.Test));
        StringAssert.Contains(e4.Message, "model.zip");
    }
}
