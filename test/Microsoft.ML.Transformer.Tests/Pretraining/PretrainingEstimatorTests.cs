using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>The estimator end to end: each objective learns, the fitted transformer scores rows, saves and loads.</summary>
[TestClass]
public sealed class PretrainingEstimatorTests
{
    [TestMethod]
    [DataRow(PretrainingObjective.CausalLanguageModel)]
    [DataRow(PretrainingObjective.SpanCorruption)]
    [DataRow(PretrainingObjective.MaskedLanguageModel)]
    public void HeldOutLossFallsMeasurably(PretrainingObjective objective)
    {
        var ml = new MLContext(2);
        var options = PretrainingFixture.Tiny(objective, steps: 40);
        options.ValidationSet = ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(150, seed: 99).Where(r => r.Text.All(char.IsAscii)).Take(100).ToArray());
        options.Training.EvaluateEveryNSteps = 10;
        var model = ml.Transforms.Text.TransformerPretrainer(options).Fit(ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(600, seed: 2)));

        var curve = model.TrainingHistory!.Records.Where(r => r.ValidationMetric is not null).Select(r => r.ValidationMetric!.Value).ToArray();
        Console.WriteLine($"{objective}: validation loss {string.Join(" ", curve.Select(v => v.ToString("F3")))}");
        Assert.AreEqual(objective, model.Objective);
        Assert.HasCount(4, curve);
        Assert.IsLessThan(curve[0] - 0.3, curve[^1], "the held-out loss falls");
        Assert.IsLessThan(Math.Log(model.VocabularySize) - 2, curve[^1], "far below a uniform guess");
        var metrics = model.ValidationMetrics!;
        Assert.AreEqual(Math.Exp(metrics.Loss), metrics.Perplexity, 1e-9 * metrics.Perplexity);
        Assert.AreEqual(100, metrics.Texts);
        if (objective == PretrainingObjective.CausalLanguageModel)
            Assert.AreEqual(metrics.Loss / Math.Log(2), metrics.BitsPerCharacter!.Value, 1e-9,
                "a byte model on ASCII text: one token per character, one end token per text");
        else
            Assert.IsNull(metrics.BitsPerCharacter, "the other objectives predict only part of the text");
    }

    [TestMethod]
    public void LossColumnsScoreUnusualTextHigher()
    {
        var (ml, model, _) = PretrainingFixture.MaskedModel;
        // Means over 20 texts of each kind: one sentence's loss under a model this small moves several nats between seeds.
        var typical = PretrainingFixture.Rows(20, seed: 98).Select(r => r.Text).ToArray();
        var random = new Random(TestSeed.Shift(7));
        var unusual = Enumerable.Range(0, 20).Select(_ => new string(Enumerable.Range(0, random.Next(20, 40)).Select(_ => (char)random.Next(33, 127)).ToArray())).ToArray();
        string[] texts = [.. typical, .. unusual, ""];
        var scored = ml.Data.CreateEnumerable<PretrainingFixture.Scores>(
            model.Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new PretrainingFixture.Row { Text = t }))), false).ToArray();
        double typicalLoss = scored.Take(20).Average(s => s.Loss), unusualLoss = scored.Skip(20).Take(20).Average(s => s.Loss);
        Console.WriteLine($"mean loss: support requests {typicalLoss:F3}, random characters {unusualLoss:F3}; e.g. {scored[0].Loss:F3} '{scored[0].Text}', {scored[20].Loss:F3} '{scored[20].Text}'");
        Assert.IsGreaterThan(typicalLoss + Math.Log(3), unusualLoss, "random characters are far less likely than support requests (3× the perplexity)");
        foreach (var s in scored.Take(40))
            Assert.AreEqual(MathF.Exp(s.Loss), s.Perplexity, 1e-3f * s.Perplexity);
        Assert.IsTrue(float.IsNaN(scored[40].Loss), "an empty text has nothing to score: NaN, ML.NET's missing value");

        var engine = ml.Model.CreatePredictionEngine<PretrainingFixture.Row, PretrainingFixture.Scores>(model);
        Assert.AreEqual(scored[20].Loss, engine.Predict(new PretrainingFixture.Row { Text = texts[20] }).Loss, 1e-5f);
    }

    [TestMethod]
    public void SavedModelLoadsAndScoresIdentically()
    {
        var (ml, model, train) = PretrainingFixture.MaskedModel;
        string path = Path.Combine(TestPaths.NewTempDir(), "pretrained.zip");
        ml.Model.Save(model, train.Schema, path);
        var loaded = (TextPretrainingTransformer)new MLContext(3).Model.Load(path, out _);

        var rows = ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(40, seed: 97));
        var before = model.Transform(rows).GetColumn<float>("Loss").ToArray();
        var after = loaded.Transform(rows).GetColumn<float>("Loss").ToArray();
        CollectionAssert.AreEqual(before, after);
        CollectionAssert.AreEqual(model.Transform(rows).GetColumn<float>("Perplexity").ToArray(), loaded.Transform(rows).GetColumn<float>("Perplexity").ToArray());
        Assert.AreEqual(model.Objective, loaded.Objective);
        Assert.AreEqual(model.ModelOptions, loaded.ModelOptions);
        CollectionAssert.AreEqual(model.Encode("héllo"), loaded.Encode("héllo"));
        Assert.AreEqual("héllo", loaded.Decode(loaded.Encode("héllo")));
        Assert.IsNull(loaded.TrainingHistory);
    }

    [TestMethod]
    public void SimpleOverloadShapesTheDefaultNetworkForTheObjective()
    {
        var ml = new MLContext(4);
        Assert.AreEqual(PretrainingObjective.SpanCorruption, ml.Transforms.Text.TransformerPretrainer().Objective);
        Assert.AreEqual(PretrainingObjective.CausalLanguageModel,
            ml.Transforms.Text.TransformerPretrainer(objective: PretrainingObjective.CausalLanguageModel).Objective);
        var options = PretrainingFixture.Tiny(PretrainingObjective.MaskedLanguageModel, 1);
        options.Objective = PretrainingObjective.Auto;
        Assert.AreEqual(PretrainingObjective.MaskedLanguageModel, ml.Transforms.Text.TransformerPretrainer(options).Objective, "Auto follows the model's shape");

    }
}
