using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Each kind of bad input fails before training with a message that says what differs.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static IDataView Texts(MLContext ml, params string[] texts) =>
        ml.Data.LoadFromEnumerable(texts.Select(t => new PretrainingFixture.Row { Text = t }).ToArray());

    private static TextPretrainingTransformer Fit(MLContext ml, TextPretrainingOptions options, IDataView data) =>
        ml.Transforms.Text.TransformerPretrainer(options).Fit(data);

    [TestMethod]
    public void EmptyCorpusIsRefused()
    {
        var ml = new MLContext(1);
        var options = PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, 1);
        var none = Assert.Throws<InvalidOperationException>(() => Fit(ml, options, Texts(ml)));
        StringAssert.Contains(none.Message, "The pretraining corpus is empty: column 'Text' has no row with text");
        var blank = Assert.Throws<InvalidOperationException>(() => Fit(ml, options, Texts(ml, "", "", "")));
        StringAssert.Contains(blank.Message, "corpus is empty");
    }

    [TestMethod]
    public void TextsTooShortForTheBlockOrTheSpansAreRefused()
    {
        var ml = new MLContext(1);
        var block = Assert.Throws<InvalidOperationException>(() =>
            Fit(ml, PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, 1), Texts(ml, "short", "texts")));
        StringAssert.Contains(block.Message, "too short for the block size: together they hold 12 tokens");
        StringAssert.Contains(block.Message, "MaxLength + 1 = 49");

        var spans = Assert.Throws<InvalidOperationException>(() =>
            Fit(ml, PretrainingFixture.Tiny(PretrainingObjective.SpanCorruption, 1), Texts(ml, "a", "bc", "def")));
        StringAssert.Contains(spans.Message, "too short for the chosen spans: the longest has 3 token(s)");
        StringAssert.Contains(spans.Message, "MeanSpanLength 3 needs texts of at least 4 tokens");
    }

    [TestMethod]
    public void ResumingFromACheckpointOfAnotherConfigurationOrTokenizerSaysWhatDiffers()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(100, seed: 9));
        var options = PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, 2);
        options.Training.CheckpointDirectory = TestPaths.NewTempDir();
        Fit(ml, options, data);

        options.Model = options.Model! with { ModelDimension = 64 };
        var shape = Assert.Throws<InvalidDataException>(() => Fit(ml, options, data));
        StringAssert.Contains(shape.Message, "model.ModelDimension: checkpoint 48, now 64");

        options.Model = options.Model with { ModelDimension = 48 };
        options.Tokenizer = new TokenizerOptions { Kind = TokenizerKind.LearnedBpe, VocabularySize = 300, MaxLength = 48 };
        var tokenizer = Assert.Throws<InvalidDataException>(() => Fit(ml, options, data));
        StringAssert.Contains(tokenizer.Message, "tokenizer.Kind: checkpoint Bytes, now LearnedBpe");
        StringAssert.Contains(tokenizer.Message, "tokenizer.VocabularySize: checkpoint 263, now 307");
    }

    [TestMethod]
    public void ObjectiveThatDoesNotFitTheModelOrTooFewSentinelsAreRefused()
    {
        var ml = new MLContext(1);
        var options = PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, 1);
        options.Objective = PretrainingObjective.MaskedLanguageModel;
        var shape = Assert.Throws<ArgumentException>(() => ml.Transforms.Text.TransformerPretrainer(options));
        StringAssert.Contains(shape.Message, "Objective MaskedLanguageModel needs an encoder-only model (DecoderLayers 0), but Model has 0 encoder and 2 decoder layers");

        var spans = PretrainingFixture.Tiny(PretrainingObjective.SpanCorruption, 1);
        spans.Tokenizer.SentinelCount = 1;
        var sentinels = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TransformerPretrainer(spans));
        StringAssert.Contains(sentinels.Message, "TokenizerOptions.SentinelCount (1) is too small");

        var density = new TextPretrainingOptions { NoiseDensity = 1.5 };
        StringAssert.Contains(Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TransformerPretrainer(density)).Message, "NoiseDensity must be in (0, 1); found 1.5");
    }
}
