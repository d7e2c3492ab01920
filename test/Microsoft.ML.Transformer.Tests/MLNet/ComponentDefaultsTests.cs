using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>The defaults the components share come from one place, and each options object gets its own copy.</summary>
[TestClass]
public sealed class ComponentDefaultsTests
{
    private static IEnumerable<(string Name, Func<TrainingOptions> Training)> TaskTrainers() =>
    [
        ("regressor", () => new TextRegressionOptions().Training),
        ("entity tagger", () => new EntityTaggingOptions().Training),
        ("question answerer", () => new QuestionAnsweringOptions().Training),
        ("text generator", () => new TextGenerationOptions().Training),
    ];

    [TestMethod]
    public void TheTaskTrainersTrainTenEpochsAtFiveTenThousandthsAndOtherwiseAsTrainingOptions()
    {
        var plain = new TrainingOptions();
        foreach (var (name, training) in TaskTrainers())
        {
            var options = training();
            Assert.AreEqual((10, 5e-4), (options.Epochs, options.LearningRate), name);
            Assert.AreEqual((plain.BatchSize, plain.Seed, plain.WarmupSteps, plain.WeightDecay), (options.BatchSize, options.Seed, options.WarmupSteps, options.WeightDecay), name);
        }
    }

    [TestMethod]
    public void EachOptionsObjectOwnsItsTrainingOptions()
    {
        // The simple catalog overloads set Training.Epochs on a fresh options object: that must not reach the next one.
        foreach (var (name, training) in TaskTrainers())
        {
            var first = training();
            first.Epochs = 1;
            Assert.AreEqual(10, training().Epochs, name);
        }
    }

    [TestMethod]
    public void TheClassifierChoosesFromTheDataWhatTheOtherHeadsTakeAsGiven()
    {
        var classifier = new TextClassificationOptions();
        var regressor = new TextRegressionOptions();
        Assert.IsNull(classifier.Model, "the classifier's network is chosen from the data");
        Assert.IsNotNull(regressor.Model);
        Assert.IsFalse(classifier.Training.EpochsIsSet || classifier.Training.LearningRateIsSet);
        Assert.AreEqual(5, classifier.Training.EarlyStoppingPatience);
        Assert.AreEqual((regressor.HeadDropout, regressor.ScoringBatchSize, regressor.Device), (classifier.HeadDropout, classifier.ScoringBatchSize, classifier.Device));
        Assert.AreEqual(regressor.Tokenizer.MaxLength, regressor.Model!.MaxLength, "the heads' default network holds the tokenizer's default length");
    }

    [TestMethod]
    public void TheDefaultNetworksUseGeluAndTheEncodersLearnedPositions()
    {
        Assert.AreEqual((Activation.Gelu, PositionalEncoding.Learned, Pooling.Mean),
            (ComponentDefaults.Activation, ComponentDefaults.PositionalEncoding, ComponentDefaults.Pooling));
        var encoders = new[] { ClassifierDefaults.Model(0, 128).Model, ClassifierDefaults.Model(ClassifierDefaults.LargeDataRows, 128).Model, new TextRegressionOptions().Model! }
            .Concat(Enum.GetValues<PretrainingObjective>().Select(TextPretrainingOptions.DefaultModel));
        foreach (var model in encoders)
            Assert.AreEqual((Activation.Gelu, PositionalEncoding.Learned), (model.Activation, model.PositionalEncoding));
        var generator = new TextGenerationOptions().Model;
        Assert.AreEqual((Activation.Gelu, new ModelOptions().PositionalEncoding, 256), (generator.Activation, generator.PositionalEncoding, generator.MaxLength),
            "the generator keeps ModelOptions' positions");
    }

    [TestMethod]
    public void TheOneVectorComponentsPoolByTheMean()
    {
        Assert.AreEqual(Pooling.Mean, new TextClassificationOptions().Pooling);
        Assert.AreEqual(Pooling.Mean, new TextRegressionOptions().Pooling);
        Assert.AreEqual(Pooling.Mean, new TextEmbeddingOptions().Pooling);
    }

    [TestMethod]
    public void TheClassifierChoosesAtMostTheDefaultVocabularyAndZipsNameTheTokenizerAsBefore()
    {
        Assert.AreEqual(8000, new TokenizerOptions().VocabularySize);
        Assert.AreEqual(8000, ClassifierDefaults.MaxVocabulary);
        Assert.AreEqual("Tokenizer.bin", NetworkEntries.TokenizerEntry, "saved zips name this entry");
    }
}
