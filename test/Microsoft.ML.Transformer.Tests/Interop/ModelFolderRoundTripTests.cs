using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.Generation;
using Microsoft.ML.Transformer.Tests.Pretraining;
using Microsoft.ML.Transformer.Tests.Regression;
using Microsoft.ML.Transformer.Tests.Tagging;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// Each kind of fitted component exported to a model folder and imported back scores bitwise as before, and the
/// imported component saves into a model zip that again scores bitwise as before.
/// </summary>
[TestClass]
public sealed class ModelFolderRoundTripTests
{
    private sealed class Vector
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void ClassifierRoundTripsBitwise()
    {
        var t = ClassifierFixture.Model;
        var imported = RoundTrip(t.Ml, t.Model, t.Test);
        Assert.IsInstanceOfType<TextClassificationTransformer>(imported);
        CollectionAssert.AreEqual(((TextClassificationTransformer)Component(t.Model)).ClassNames.ToArray(),
            ((TextClassificationTransformer)imported).ClassNames.ToArray());
        // The pipeline's key mapping is not part of the folder: compare the component's own scores.
        var expected = Component(t.Model).Transform(t.Test);
        AssertSameVectors(t.Ml, expected, imported.Transform(t.Test));
        AssertSameVectors(t.Ml, expected, SavedAndLoaded(t.Ml, imported, t.Test).Transform(t.Test));
    }

    [TestMethod]
    public void EmbeddingRoundTripsBitwise()
    {
        var t = ClassifierFixture.Model;
        var embedding = t.Ml.Transforms.Text.TransformerEmbeddings(new TextEmbeddingOptions
        {
            OutputColumnName = "Score", InputColumnName = "Text", BaseModel = t.Model, Normalize = true,
        }).Fit(t.Test);
        var imported = RoundTrip(t.Ml, embedding, t.Test);
        Assert.IsInstanceOfType<TextEmbeddingTransformer>(imported);
        AssertSameVectors(t.Ml, embedding.Transform(t.Test), imported.Transform(t.Test));
        AssertSameVectors(t.Ml, embedding.Transform(t.Test), SavedAndLoaded(t.Ml, imported, t.Test).Transform(t.Test));
    }

    [TestMethod]
    public void GeneratorRoundTripsBitwise()
    {
        var (ml, model, _, test, _) = TextGeneratorFixture.Model;
        var imported = RoundTrip(ml, model, test);
        Assert.IsInstanceOfType<TextGenerationTransformer>(imported);
        Assert.AreEqual(model.Decoding with { StopSequences = [] }, ((TextGenerationTransformer)imported).Decoding with { StopSequences = [] });
        var before = TextGeneratorFixture.Generate(ml, model, test);
        foreach (var after in new[] { TextGeneratorFixture.Generate(ml, imported, test), TextGeneratorFixture.Generate(ml, SavedAndLoaded(ml, imported, test), test) })
        {
            Assert.HasCount(before.Length, after);
            for (int i = 0; i < before.Length; i++)
            {
                Assert.AreEqual(before[i].Output, after[i].Output, $"row {i}");
                Assert.AreEqual(BitConverter.SingleToInt32Bits(before[i].LogProbability), BitConverter.SingleToInt32Bits(after[i].LogProbability), $"row {i}");
            }
        }
    }

    [TestMethod]
    public void PretrainedModelRoundTripsBitwise()
    {
        var (ml, model, train) = PretrainingFixture.MaskedModel;
        var imported = RoundTrip(ml, model, train);
        Assert.IsInstanceOfType<TextPretrainingTransformer>(imported);
        Assert.AreEqual(model.ModelOptions, ((TextPretrainingTransformer)imported).ModelOptions);
        var data = ml.Data.TakeRows(train, 60);
        var before = ml.Data.CreateEnumerable<PretrainingFixture.Scores>(model.Transform(data), false).ToArray();
        foreach (var candidate in new[] { imported, SavedAndLoaded(ml, imported, data) })
        {
            var after = ml.Data.CreateEnumerable<PretrainingFixture.Scores>(candidate.Transform(data), false).ToArray();
            Assert.HasCount(before.Length, after);
            for (int i = 0; i < before.Length; i++)
                Assert.AreEqual(BitConverter.SingleToInt32Bits(before[i].Loss), BitConverter.SingleToInt32Bits(after[i].Loss), $"row {i}");
        }
    }

    [TestMethod]
    public void RegressorRoundTripsBitwise()
    {
        var t = RegressorFixture.Model;
        var imported = RoundTrip(t.Ml, t.Model, t.Test);
        Assert.IsInstanceOfType<TextRegressionTransformer>(imported);
        var before = t.Model.Transform(t.Test).GetColumn<float>("Score").ToArray();
        foreach (var candidate in new[] { imported, SavedAndLoaded(t.Ml, imported, t.Test) })
        {
            var after = candidate.Transform(t.Test).GetColumn<float>("Score").ToArray();
            Assert.HasCount(before.Length, after);
            for (int i = 0; i < before.Length; i++)
                Assert.AreEqual(BitConverter.SingleToInt32Bits(before[i]), BitConverter.SingleToInt32Bits(after[i]), $"row {i}");
        }
    }

    [TestMethod]
    public void EntityTaggerRoundTripsBitwise()
    {
        var t = TaggerFixture.Model;
        var tagger = (EntityTaggingTransformer)Component(t.Model);
        var imported = RoundTrip(t.Ml, t.Model, t.Test);
        Assert.IsInstanceOfType<EntityTaggingTransformer>(imported);
        CollectionAssert.AreEqual(tagger.LabelNames.ToArray(), ((EntityTaggingTransformer)imported).LabelNames.ToArray());
        var before = t.Ml.Data.CreateEnumerable<TaggerFixture.Prediction>(tagger.Transform(t.Test), false).ToArray();
        Assert.IsTrue(before.Any(p => p.Entities.Length > 0), "the fixture must find entities");
        foreach (var candidate in new[] { imported, SavedAndLoaded(t.Ml, imported, t.Test) })
        {
            var after = t.Ml.Data.CreateEnumerable<TaggerFixture.Prediction>(candidate.Transform(t.Test), false).ToArray();
            Assert.HasCount(before.Length, after);
            for (int i = 0; i < before.Length; i++)
            {
                CollectionAssert.AreEqual(before[i].PredictedLabel, after[i].PredictedLabel, $"row {i}");
                CollectionAssert.AreEqual(before[i].Entities, after[i].Entities, $"row {i}");
                CollectionAssert.AreEqual(before[i].EntityScore, after[i].EntityScore, $"row {i}"); // float equality: bitwise for non-NaN values
            }
        }
    }

    [TestMethod]
    public void ExportWritesTheDocumentedFilesAndReplacesOnlyAModelFolder()
    {
        var (ml, model, train) = PretrainingFixture.MaskedModel;
        string folder = Path.Combine(TestPaths.NewTempDir(), "model");
        ModelFolder.Export(model, folder);
        CollectionAssert.AreEquivalent(new[] { "config.json", "model.safetensors", "merges.json" },
            Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
        ModelFolder.Export(model, folder); // a model folder is replaced whole
        Assert.HasCount(3, Directory.GetFiles(folder));
        CollectionAssert.AreEqual(new[] { folder }, Directory.GetDirectories(Path.GetDirectoryName(folder)!), "no temporary folder is left");

        string other = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        var e = Assert.Throws<ArgumentException>(() => ModelFolder.Export(model, other));
        StringAssert.Contains(e.Message, "not a model folder");
        Assert.IsTrue(File.Exists(Path.Combine(other, "notes.txt")));

        var notOurs = Assert.Throws<ArgumentException>(() => ModelFolder.Export(ml.Transforms.CopyColumns("A", "Text").Fit(train), folder));
        StringAssert.Contains(notOurs.Message, "holds no component of this library");
    }

    /// <summary>Exports the library's component of <paramref name="model"/> and imports it back.</summary>
    internal static ITransformer RoundTrip(MLContext ml, ITransformer model, IDataView data)
    {
        string folder = Path.Combine(TestPaths.NewTempDir(), "exported");
        ModelFolder.Export(model, folder);
        return ModelFolder.Import(ml, folder);
    }

    private static ITransformer SavedAndLoaded(MLContext ml, ITransformer model, IDataView data)
    {
        string path = Path.Combine(TestPaths.NewTempDir(), "imported.zip");
        ml.Model.Save(model, data.Schema, path);
        return new MLContext(7).Model.Load(path, out _);
    }

    private static ITransformer Component(ITransformer model) => Find(model) ?? throw new InvalidOperationException("no component");

    private static ITransformer? Find(ITransformer model) => model switch
    {
        Microsoft.ML.Transformer.MLNet.TextModelTransformerBase => model,
        IEnumerable<ITransformer> chain => chain.Reverse().Select(Find).FirstOrDefault(c => c is not null),
        _ => null,
    };

    private static void AssertSameVectors(MLContext ml, IDataView expected, IDataView actual)
    {
        var before = ml.Data.CreateEnumerable<Vector>(expected, false).ToArray();
        var after = ml.Data.CreateEnumerable<Vector>(actual, false).ToArray();
        Assert.HasCount(before.Length, after);
        Assert.IsNotEmpty(before);
        for (int i = 0; i < before.Length; i++)
            CollectionAssert.AreEqual(before[i].Score, after[i].Score, $"row {i}"); // float equality: bitwise for non-NaN values
    }
}
