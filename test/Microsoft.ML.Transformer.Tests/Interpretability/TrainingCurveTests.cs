using System.Globalization;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Interpretability;

[TestClass]
public sealed class TrainingCurveTests
{
    [TestMethod]
    public void AFittedClassifierWritesItsCurveAsCsvAndPng()
    {
        var t = ClassifierFixture.Model;
        string stem = Path.Combine(TestPaths.NewTempDir(), "classifier");
        var history = TrainingCurves.Save(t.Model, stem, "tiny classifier");
        Assert.IsNotNull(history, "found inside the fitted chain");
        Assert.AreEqual("validation accuracy", history.ValidationMetricName, "the default split's");

        string[] lines = File.ReadAllLines(stem + ".csv");
        Assert.StartsWith("step,epoch,loss,smoothed_loss,learning_rate,", lines[0]);
        Assert.HasCount(history.Records.Count + 1, lines);
        Assert.IsGreaterThan(20, history.Records.Count, "4 epochs of 1,200 rows in batches of 32");
        var learningRates = lines[1..].Select(l => double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToArray();
        Assert.IsLessThan(learningRates.Max(), learningRates[0], "warm-up: the rate starts low");
        Assert.AreEqual((900, 720), AttentionHeatmapTests.PngSize(stem + ".png"));
        Assert.IsGreaterThan(10_000, new FileInfo(stem + ".png").Length);
    }

    [TestMethod]
    public void TheValidationMetricGetsItsOwnPanelAndTheCurveIsNotSavedInTheZip()
    {
        var ml = new MLContext(2);
        var options = ClassifierFixture.TinyOptions(seed: 2, epochs: 2);
        options.Training.BatchSize = 16;
        options.ValidationSet = ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
            .Fit(ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(160, seed: 30)))
            .Transform(ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(60, seed: 31)));
        var train = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(160, seed: 30));
        var model = ClassifierFixture.Pipeline(ml, options).Fit(train);

        string stem = Path.Combine(TestPaths.NewTempDir(), "validated");
        var history = TrainingCurves.Save(model, stem, "with validation")!;
        var validated = File.ReadAllLines(stem + ".csv")[1..].Where(l => !l.EndsWith(',')).ToArray();
        Assert.HasCount(2, validated, "one validation per epoch");
        Assert.AreEqual(2, history.Records.Count(r => r.ValidationMetric is not null));
        Assert.AreEqual((640, 480), Render(history, stem + "-small.png", 640, 480));

        string zip = Path.Combine(Path.GetDirectoryName(stem)!, "model.zip");
        ml.Model.Save(model, train.Schema, zip);
        Assert.IsNull(TrainingCurves.Find(ml.Model.Load(zip, out _)), "a loaded model has no curve");
    }

    private static (int, int) Render(Microsoft.ML.Transformer.Training.TrainingHistory history, string path, int width, int height)
    {
        history.SavePng(path, "small", width, height);
        return AttentionHeatmapTests.PngSize(path);
    }
}
