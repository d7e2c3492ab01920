using Microsoft.ML.Transformer.Generation;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>
/// The text generator as an ML.NET component: it learns a task, Transform and PredictionEngine agree, the
/// log-probability column and the evaluator's loss describe the same model.
/// </summary>
[TestClass]
public sealed class TextGeneratorTests
{
    [TestMethod]
    public void TinyModelLearnsToReverseWords()
    {
        var (ml, model, rows, test, trainingTime) = TextGeneratorFixture.Model;
        var generated = TextGeneratorFixture.Generate(ml, model, test);
        var metrics = ml.TextGeneration().Evaluate(model.Transform(test), generatedColumnName: "Output", model: model);

        Console.WriteLine($"Trained in {trainingTime.TotalSeconds:F1} s; exact match {metrics.ExactMatch:F1}%, BLEU {metrics.Bleu:F1}, " +
            $"chrF {metrics.ChrF:F1}, loss {metrics.Loss:F3}; e.g. {string.Join(", ", generated.Take(4).Select(g => $"{g.Source}→{g.Output}"))}");
        Assert.HasCount(rows.Length, generated);
        // Seen: exact match 97.5%, chrF 97.8, loss 0.026 (12 epochs); 64% after 8 epochs.
        Assert.IsGreaterThanOrEqualTo(75.0, metrics.ExactMatch, $"exact match {metrics.ExactMatch:F1}%");
        Assert.IsGreaterThanOrEqualTo(80.0, metrics.ChrF);
        Assert.IsLessThan(0.5, metrics.Loss!.Value);
        Assert.AreEqual(metrics.Loss.Value, model.EvaluateLoss(test).Loss, 1e-9);
    }

    [TestMethod]
    [DataRow(DecodingStrategy.Greedy)]
    [DataRow(DecodingStrategy.Beam)]
    public void TransformEqualsPredictionEngine(DecodingStrategy strategy)
    {
        var (ml, trained, rows, test, _) = TextGeneratorFixture.Model;
        var model = trained.WithDecoding(trained.Decoding with { Strategy = strategy });
        var batched = TextGeneratorFixture.Generate(ml, model, test).Take(40).ToArray();
        using var engine = ml.Model.CreatePredictionEngine<TextGeneratorFixture.Pair, TextGeneratorFixture.Generated>(model);

        for (int i = 0; i < batched.Length; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.AreEqual(batched[i].Output, single.Output, $"row {i} ('{rows[i].Source}')");
            Assert.AreEqual(batched[i].LogProbability, single.LogProbability, 1e-3, $"row {i}");
            Assert.IsLessThanOrEqualTo(0f, single.LogProbability);
        }
    }

    [TestMethod]
    public void LogProbabilityColumnEqualsTheLossOfTheGeneratedText()
    {
        var (ml, model, _, test, _) = TextGeneratorFixture.Model;
        // Texts that reached MaxNewTokens stopped without an end token, which teacher forcing would score in place of
        // their last letter (a reference keeps room for its end token); the statement is about texts that ended.
        int limit = model.Decoding.MaxNewTokens;
        var generated = TextGeneratorFixture.Generate(ml, model, test).Where(g => g.Output.Length < limit).ToArray();
        Assert.IsGreaterThanOrEqualTo(180, generated.Length, "nearly all of the 200 generations end before the limit");

        // Teacher forcing the generated texts scores the same tokens, end token included, that generation chose.
        var asReferences = ml.Data.LoadFromEnumerable(generated.Select(g => new TextGeneratorFixture.Pair { Source = g.Source, Target = g.Output }));
        var loss = model.EvaluateLoss(asReferences);

        Assert.AreEqual(generated.Sum(g => g.Output.Length + 1), loss.TokenCount);
        Assert.AreEqual(-generated.Sum(g => (double)g.LogProbability), loss.NegativeLogLikelihood, 1e-3 * generated.Length);
    }

    [TestMethod]
    public void SamplingWithASeedRepeatsAndStaysNearTheGreedyAnswer()
    {
        var (ml, trained, _, test, _) = TextGeneratorFixture.Model;
        var sampling = trained.WithDecoding(trained.Decoding with { Strategy = DecodingStrategy.Sampling, Seed = 5, Temperature = 0.5 });

        var first = TextGeneratorFixture.Generate(ml, sampling, test);
        var second = TextGeneratorFixture.Generate(ml, sampling, test);
        var greedy = TextGeneratorFixture.Generate(ml, trained, test);

        CollectionAssert.AreEqual(first.Select(g => g.Output).ToArray(), second.Select(g => g.Output).ToArray());
        int agreeing = first.Zip(greedy).Count(p => p.First.Output == p.Second.Output);
        Assert.IsGreaterThan(first.Length / 2, agreeing, "a confident model samples its greedy answer most of the time at temperature 0.5");
    }

    [TestMethod]
    public void BFloat16DecodingWritesWhatFloat32DoesAndLeavesTheNetworkAlone()
    {
        var (ml, trained, rows, test, _) = TextGeneratorFixture.Model;
        var bfloat16 = trained.WithDecoding(trained.Decoding with { Precision = Microsoft.ML.Transformer.Modeling.Precision.BFloat16 });

        var before = TextGeneratorFixture.Generate(ml, trained, test);
        var halved = TextGeneratorFixture.Generate(ml, bfloat16, test);
        var after = TextGeneratorFixture.Generate(ml, trained, test);

        // The bfloat16 copy shares the float32 weights: float32 decoding is untouched by it.
        CollectionAssert.AreEqual(before.Select(g => g.Output).ToArray(), after.Select(g => g.Output).ToArray());
        Assert.AreEqual(Microsoft.ML.Transformer.Modeling.Precision.Float32, trained.Source!.Network.Precision);
        int agreeing = before.Zip(halved).Count(p => p.First.Output == p.Second.Output);
        int rightFloat = before.Zip(rows).Count(p => p.First.Output == p.Second.Target);
        int rightHalved = halved.Zip(rows).Count(p => p.First.Output == p.Second.Target);
        Console.WriteLine($"bf16 decoding: {agreeing} of {rows.Length} outputs as float32's; right {rightHalved} against float32's {rightFloat}");
        // A confident model's tokens are far from ties: bfloat16 rounding (~0.4% per product) rarely changes one.
        Assert.IsGreaterThanOrEqualTo(0.9 * rows.Length, agreeing);
        Assert.IsGreaterThanOrEqualTo(rightFloat - 0.05 * rows.Length, rightHalved);
    }
}
