using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;

namespace Microsoft.ML.Transformer.Tests.Classification;

[TestClass]
public sealed class TextClassifierTests
{
    [TestMethod]
    public void LearnsIntentsAndEvaluatesWithMLNetsOwnEvaluator()
    {
        var t = ClassifierFixture.Model;
        var metrics = t.Ml.MulticlassClassification.Evaluate(t.Model.Transform(t.Test));
        Console.WriteLine($"accuracy {metrics.MicroAccuracy:F4} macro {metrics.MacroAccuracy:F4} logloss {metrics.LogLoss:F4}");
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.MicroAccuracy, "ten generated intents are easy to tell apart");
        Assert.IsLessThan(0.5, metrics.LogLoss);
    }

    [TestMethod]
    public void LearnsIntentsWithBFloat16MixedPrecisionAndServesInFloat32()
    {
        var ml = new MLContext(1);
        var options = ClassifierFixture.TinyOptions(seed: 1);
        options.Training.Precision = Precision.BFloat16;
        var model = ClassifierFixture.Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(1200, seed: 10)));
        var test = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(300, seed: 20));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Console.WriteLine($"bf16-trained accuracy {metrics.MicroAccuracy:F4} logloss {metrics.LogLoss:F4}");
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.MicroAccuracy, "bf16 products must learn what fp32 ones learn");

        // The fitted network computes in float32, like the same model loaded from its zip: identical scores.
        string path = Path.Combine(TestPaths.NewTempDir(), "bf16-trained.zip");
        ml.Model.Save(model, null, path);
        var loaded = ml.Model.Load(path, out _);
        var before = ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(model.Transform(test), false).ToArray();
        var after = ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(loaded.Transform(test), false).ToArray();
        for (int i = 0; i < before.Length; i++)
            CollectionAssert.AreEqual(before[i].Score, after[i].Score, $"row {i}");
    }

    [TestMethod]
    public void OutputColumnsLookLikeMLNetsOwnClassifiers()
    {
        var t = ClassifierFixture.Model;
        var schema = t.Model.Transform(t.Test).Schema;
        var score = schema["Score"];
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 10), score.Type);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        score.GetSlotNames(ref slotNames);
        CollectionAssert.AreEquivalent(Samples.Data.SupportRequests.Intents.ToArray(), slotNames.DenseValues().Select(v => v.ToString()).ToArray());
        Assert.IsInstanceOfType<KeyDataViewType>(schema["PredictedLabel"].Type);

        var predictions = t.Ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(t.Model.Transform(t.Test), false).ToArray();
        for (int i = 0; i < 20; i++)
            Assert.AreEqual(1.0, predictions[i].Score.Sum(), 1e-4, "scores are probabilities");
        double agree = predictions.Zip(t.TestRows).Count(p => p.First.PredictedIntent == p.Second.Intent) / (double)predictions.Length;
        Assert.IsGreaterThanOrEqualTo(0.9, agree, "MapKeyToValue turns predicted keys back into intent names");
    }

    [TestMethod]
    public void PredictionEngineMatchesBatchedTransformOnSeveralThreads()
    {
        var t = ClassifierFixture.Model;
        var batched = t.Ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(t.Model.Transform(t.Test), false).Take(40).ToArray();
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var engine = t.Ml.Model.CreatePredictionEngine<ClassifierFixture.Row, ClassifierFixture.Prediction>(t.Model);
            return t.TestRows.Take(40).Select(r => engine.Predict(r).Score.ToArray()).ToArray();
        })).ToArray();
        Task.WaitAll(tasks);
        foreach (var task in tasks)
            for (int i = 0; i < batched.Length; i++)
                for (int c = 0; c < batched[i].Score.Length; c++)
                    Assert.AreEqual(batched[i].Score[c], task.Result[i][c], 1e-5, $"row {i} class {c}");
    }

    [TestMethod]
    public void UnseenLabelAtEvaluationIsCountedAsMLNetDoes()
    {
        var t = ClassifierFixture.Model;
        var rows = t.TestRows.Take(50).Select(r => new ClassifierFixture.Row { Text = r.Text, Intent = r.Intent })
            .Append(new ClassifierFixture.Row { Text = "what is the weather like", Intent = "small_talk" }).ToArray();
        var metrics = t.Ml.MulticlassClassification.Evaluate(t.Model.Transform(t.Ml.Data.LoadFromEnumerable(rows)));
        Console.WriteLine($"accuracy with an unseen label {metrics.MicroAccuracy:F4}");
        Assert.IsGreaterThan(0.8, metrics.MicroAccuracy);
    }

    [TestMethod]
    public void BadInputGetsClearErrors()
    {
        var ml = new MLContext(1);
        var options = ClassifierFixture.TinyOptions(1, epochs: 1);
        var noText = ml.Data.LoadFromEnumerable(new[] { new { Body = "x", Intent = "a" } });
        var e1 = Assert.Throws<Exception>(() => ClassifierFixture.Pipeline(ml, options).Fit(noText));
        StringAssert.Contains(e1.Message, "'Text'");

        var stringLabel = ml.Data.LoadFromEnumerable(new[] { new { Text = "x", Label = "a" } });
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.TransformerClassifier(options).Fit(stringLabel));
        StringAssert.Contains(e2.Message, "'Label' must be a key type");

        // Two known classes (keyData), so that the data, not the key type, is what is wrong.
        var twoClasses = ml.Transforms.Conversion.MapValueToKey("Label", "Intent", keyData: ml.Data.LoadFromEnumerable(new[] { new { Intent = "lost_card" }, new { Intent = "other" } }))
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(options));
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<ClassifierFixture.Row>());
        var e3 = Assert.Throws<InvalidOperationException>(() => twoClasses.Fit(empty));
        StringAssert.Contains(e3.Message, "no usable rows");

        var oneClass = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new ClassifierFixture.Row { Text = "lost card " + i, Intent = "lost_card" }).ToArray());
        var e4 = Assert.Throws<InvalidOperationException>(() => twoClasses.Fit(oneClass));
        StringAssert.Contains(e4.Message, "single class ('lost_card')");

        var e5 = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.TransformerClassifier(
            new TextClassificationOptions { ScoringBatchSize = 0 }));
        StringAssert.Contains(e5.Message, "ScoringBatchSize");
    }
}
