using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>The classifier among other ML.NET parts: binary labels, cross-validation, seeded determinism.</summary>
[TestClass]
public sealed class ClassifierPipelineTests
{
    public sealed class BinaryRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    /// <summary>Is the request about a card or account being lost, stolen or closed (a security matter)?</summary>
    private static BinaryRow[] BinaryRows(int count, int seed) =>
        ClassifierFixture.Rows(count, seed).Select(r => new BinaryRow { Text = r.Text, Label = r.Intent is "lost_card" or "close_account" or "reset_password" }).ToArray();

    [TestMethod]
    public void BinaryClassifierWorksWithMLNetsBinaryEvaluator()
    {
        var ml = new MLContext(2);
        var train = ml.Data.LoadFromEnumerable(BinaryRows(800, 30));
        var test = ml.Data.LoadFromEnumerable(BinaryRows(300, 31));
        var model = ml.BinaryClassification.Trainers.TransformerClassifier(ClassifierFixture.TinyOptions(2, epochs: 3)).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        Console.WriteLine($"accuracy {metrics.Accuracy:F4} auc {metrics.AreaUnderRocCurve:F4} f1 {metrics.F1Score:F4}");
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.Accuracy);
        Assert.IsGreaterThanOrEqualTo(0.95, metrics.AreaUnderRocCurve);

        var scored = model.Transform(test);
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < probabilities.Length; i++)
            Assert.AreEqual(probabilities[i] > 0.5f, predicted[i]);
    }

    [TestMethod]
    public void CrossValidateRunsUnchanged()
    {
        var ml = new MLContext(3);
        var data = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(600, 40));
        var options = ClassifierFixture.TinyOptions(3, epochs: 4);
        options.Training.WarmupSteps = 5;
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(options));
        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 2);
        Assert.HasCount(2, folds);
        Console.WriteLine($"fold accuracies {string.Join(" ", folds.Select(f => f.Metrics.MicroAccuracy.ToString("F4")))}");
        foreach (var fold in folds)
            Assert.IsGreaterThan(0.5, fold.Metrics.MicroAccuracy, "a few short epochs already beat chance (0.1) by far");
    }

    [TestMethod]
    public void SameSeedAndDataGiveIdenticalScores()
    {
        float[] Fit()
        {
            var ml = new MLContext(4);
            var data = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(300, 50));
            var model = ClassifierFixture.Pipeline(ml, ClassifierFixture.TinyOptions(4, epochs: 1)).Fit(data);
            return model.Transform(data).GetColumn<float[]>("Score").Take(20).SelectMany(s => s).ToArray();
        }
        CollectionAssert.AreEqual(Fit(), Fit());
    }

    [TestMethod]
    public void TrainingResumesFromItsCheckpointAndEndsWithTheSameModel()
    {
        string checkpoints = TestPaths.NewTempDir();
        float[] Fit(long? maxSteps)
        {
            var ml = new MLContext(6);
            var data = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(320, 60));
            var options = ClassifierFixture.TinyOptions(6, epochs: 2);
            options.Ngrams.Enabled = false; // with n-grams a resumed run's scores differ in the last bit: not solved yet (docs/RESULTS.md)
            options.Training.CheckpointDirectory = checkpoints;
            options.Training.CheckpointEveryNSteps = 4;
            options.Training.MaxSteps = maxSteps;
            var model = ClassifierFixture.Pipeline(ml, options).Fit(data);
            return model.Transform(data).GetColumn<float[]>("Score").Take(10).SelectMany(s => s).ToArray();
        }
        var uninterrupted = FitFresh();
        Fit(maxSteps: 9);                    // stops part-way, as a killed process would, after its checkpoint at step 8
        Assert.IsTrue(Directory.EnumerateFiles(checkpoints).Any(), "a checkpoint was written");
        var resumed = Fit(maxSteps: null);   // picks up the checkpoint and finishes the run
        CollectionAssert.AreEqual(uninterrupted, resumed);

        float[] FitFresh()
        {
            var ml = new MLContext(6);
            var data = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(320, 60));
            var options = ClassifierFixture.TinyOptions(6, epochs: 2);
            options.Ngrams.Enabled = false;
            var model = ClassifierFixture.Pipeline(ml, options).Fit(data);
            return model.Transform(data).GetColumn<float[]>("Score").Take(10).SelectMany(s => s).ToArray();
        }
    }
}
