using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Generation;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>Invalid decoding options, odd sources and wrong columns: clear errors, or sensible output where there is one.</summary>
[TestClass]
public sealed class TextGeneratorErrorTests
{
    private sealed class NumericSource
    {
        public float Source { get; set; }
        public string Target { get; set; } = "";
    }

    [TestMethod]
    public void InvalidDecodingOptionsAreNamed()
    {
        var model = TextGeneratorFixture.Model.Model;
        var zero = Assert.ThrowsExactly<ArgumentException>(() => model.WithDecoding(model.Decoding with { MaxNewTokens = 0 }));
        StringAssert.Contains(zero.Message, "MaxNewTokens");
        var tooMany = Assert.ThrowsExactly<ArgumentException>(() => model.WithDecoding(model.Decoding with { MaxNewTokens = 1000 }));
        StringAssert.Contains(tooMany.Message, "[1, 32]");   // the model's MaxLength
        var topP = Assert.ThrowsExactly<ArgumentException>(() => model.WithDecoding(model.Decoding with { TopP = 0 }));
        StringAssert.Contains(topP.Message, "TopP");
        var stop = Assert.ThrowsExactly<ArgumentException>(() => model.WithDecoding(model.Decoding with { StopSequences = [""] }));
        StringAssert.Contains(stop.Message, "StopSequences");

        // Streaming checks its options at the call, before anything is generated.
        Assert.ThrowsExactly<ArgumentException>(() => model.GenerateStreamingAsync("abc", model.Decoding with { BeamWidth = 0, Strategy = DecodingStrategy.Beam }));
        var beam = Assert.ThrowsExactly<NotSupportedException>(() => model.GenerateStreamingAsync("abc", model.Decoding with { Strategy = DecodingStrategy.Beam }));
        StringAssert.Contains(beam.Message, "beam search");
    }

    [TestMethod]
    public void InvalidDecodingOptionsFailBeforeTraining()
    {
        var ml = new MLContext(1);
        var options = TextGeneratorFixture.TinyOptions(encoderLayers: 2, seed: 1, epochs: 1);
        options.Decoding = options.Decoding with { Temperature = -1 };
        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Text.TransformerTextGenerator(options));
        StringAssert.Contains(error.Message, "Temperature");
    }

    [TestMethod]
    public void EmptySourceGeneratesFromTheBeginToken()
    {
        var (ml, model, _, _, _) = TextGeneratorFixture.Model;
        var rows = new[] { new TextGeneratorFixture.Pair { Source = "" }, new TextGeneratorFixture.Pair { Source = "abc" } };
        var batched = TextGeneratorFixture.Generate(ml, model, ml.Data.LoadFromEnumerable(rows));
        using var engine = ml.Model.CreatePredictionEngine<TextGeneratorFixture.Pair, TextGeneratorFixture.Generated>(model);

        Assert.AreEqual(batched[0].Output, engine.Predict(rows[0]).Output);
        Assert.IsTrue(float.IsFinite(batched[0].LogProbability) && batched[0].LogProbability <= 0);
        Assert.AreEqual("cba", batched[1].Output);
    }

    [TestMethod]
    public void OverLongSourceIsCutAsTheTokenizerOptionsSay()
    {
        var (ml, model, _, _, _) = TextGeneratorFixture.Model;
        // MaxLength 12 holds 11 letters and the end token; the head is kept.
        string longWord = "abcdefghijabcdefghij";
        var rows = new[] { new TextGeneratorFixture.Pair { Source = longWord }, new TextGeneratorFixture.Pair { Source = longWord[..11] } };
        var generated = TextGeneratorFixture.Generate(ml, model, ml.Data.LoadFromEnumerable(rows));

        Assert.AreEqual(generated[1].Output, generated[0].Output);
        Assert.AreEqual(generated[1].LogProbability, generated[0].LogProbability, 1e-4);
    }

    [TestMethod]
    public void WrongColumnsAreNamed()
    {
        var (ml, model, _, _, _) = TextGeneratorFixture.Model;
        var numeric = ml.Data.LoadFromEnumerable(new[] { new NumericSource { Source = 1, Target = "a" } });
        var notText = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(numeric));
        StringAssert.Contains(notText.Message, "'Source'");
        var unnamed = ml.Data.LoadFromEnumerable(new[] { new TextGeneratorFixture.Generated() });
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            model.EvaluateLoss(ml.Transforms.SelectColumns("Output", "Target").Fit(unnamed).Transform(unnamed)));
        StringAssert.Contains(missing.Message, "'Source'");
        var missingReference = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.EvaluateLoss(unnamed, "Reference"));
        StringAssert.Contains(missingReference.Message, "'Reference'");

        var estimator = ml.Transforms.Text.TransformerTextGenerator(new TextGenerationOptions { SourceColumnName = "Question", TargetColumnName = "Answer" });
        var fit = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(unnamed));
        StringAssert.Contains(fit.Message, "'Question'");
    }

    [TestMethod]
    public void OutputSchemaAddsTheGeneratedColumns()
    {
        var (_, model, _, test, _) = TextGeneratorFixture.Model;
        var schema = model.GetOutputSchema(test.Schema);
        Assert.AreEqual(TextDataViewType.Instance, schema["Output"].Type);
        Assert.AreEqual(NumberDataViewType.Single, schema["LogProbability"].Type);
        Assert.AreEqual(test.Schema.Count + 2, schema.Count);
        var plain = model.WithDecoding(model.Decoding);
        Assert.AreEqual("Output", plain.GetOutputSchema(test.Schema)[test.Schema.Count].Name);
    }
}
