using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tests.Pretraining;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>The text generator starts from a fitted generator (BaseModel), keeps what it is told to freeze, and names a base model it cannot use.</summary>
[TestClass]
public sealed class TextGeneratorFineTuningTests
{
    private static TextGenerationOptions FineTuning(ITransformer baseModel, int epochs)
    {
        var options = TextGeneratorFixture.TinyOptions(encoderLayers: 2, seed: 7, epochs);
        options.Training.LearningRate = 3e-4;
        options.Training.WarmupSteps = 5;
        options.BaseModel = baseModel;
        return options;
    }

    [TestMethod]
    public void GeneratorFineTunesFromAFittedGeneratorAndKeepsWhatIsFrozen()
    {
        var (ml, baseModel, _, test, _) = TextGeneratorFixture.Model;
        var baseNetwork = baseModel.Source!.Network;
        var before = baseNetwork.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone());
        var options = FineTuning(baseModel, epochs: 1);
        options.FreezeEmbeddings = true;
        options.FreezeLayers = 1;

        // 300 rows and one epoch: far too little to learn the reversals from scratch, enough to move the top layers.
        var tuned = ml.Transforms.Text.TransformerTextGenerator(options).Fit(ml.Data.LoadFromEnumerable(TextGeneratorFixture.Reversals(300, seed: 70)));
        var metrics = ml.TextGeneration().Evaluate(tuned.Transform(test), generatedColumnName: "Output", model: tuned);
        var after = tuned.Source!.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var changed = before.Keys.Where(n => !before[n].eq(after[n]).all().item<bool>()).ToList();
        Console.WriteLine($"fine-tuned: exact match {metrics.ExactMatch:F1}%; changed: {string.Join(", ", changed)}");

        Assert.IsGreaterThanOrEqualTo(70.0, metrics.ExactMatch, "it starts from the base generator's weights (which reach 75% or more), not from scratch");
        Assert.IsFalse(changed.Any(n => n.Contains("embedding", StringComparison.OrdinalIgnoreCase) || n.Contains("Positions", StringComparison.Ordinal)),
            "token and position embeddings are frozen");
        Assert.IsFalse(changed.Any(n => n.Contains("layers.0.", StringComparison.Ordinal)), "the lowest layer of each stack is frozen");
        Assert.IsTrue(changed.Any(n => n.StartsWith("encoder.layers.1.", StringComparison.Ordinal)), "the encoder layer above it trains");
        Assert.IsTrue(changed.Any(n => n.StartsWith("decoder.layers.1.", StringComparison.Ordinal)), "the decoder layer above it trains");
        var baseAfter = baseNetwork.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.IsTrue(before.All(p => p.Value.eq(baseAfter[p.Key]).all().item<bool>()), "fine-tuning leaves the base model unchanged");
        Assert.AreEqual(baseModel.Source.Tokenizer.Fingerprint, tuned.Source.Tokenizer.Fingerprint, "the base model's tokenizer is kept");
    }

    [TestMethod]
    public void ABaseModelTheGeneratorCannotUseIsNamed()
    {
        var (ml, baseModel, _, _, _) = TextGeneratorFixture.Model;
        var rows = ml.Data.LoadFromEnumerable(TextGeneratorFixture.Reversals(20, seed: 71));

        var contradicting = FineTuning(baseModel, epochs: 1);
        contradicting.Tokenizer.Kind = TokenizerKind.Gpt2;
        var vocabulary = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Text.TransformerTextGenerator(contradicting).Fit(rows));
        StringAssert.Contains(vocabulary.Message, "TokenizerOptions.Kind is Gpt2, the pretrained tokenizer is BpeFiles");

        var (_, encoderOnly, _) = PretrainingFixture.MaskedModel;
        var noDecoder = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Text.TransformerTextGenerator(FineTuning(encoderOnly, epochs: 1)).Fit(rows));
        StringAssert.Contains(noDecoder.Message, "no decoder");
        Assert.AreEqual("BaseModel", noDecoder.ParamName);

        var both = FineTuning(baseModel, epochs: 1);
        both.BaseModelPath = "/nonexistent/model.zip";
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Text.TransformerTextGenerator(both)).Message,
            "Set BaseModel or BaseModelPath, not both.");
        var negative = FineTuning(baseModel, epochs: 1);
        negative.FreezeLayers = -1;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TransformerTextGenerator(negative)).Message,
            "FreezeLayers must be between 0 and");
        var tooDeep = FineTuning(baseModel, epochs: 1);
        tooDeep.FreezeLayers = 3;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TransformerTextGenerator(tooDeep).Fit(rows)).Message,
            "FreezeLayers (3) must be between 0 and 2");
    }
}
