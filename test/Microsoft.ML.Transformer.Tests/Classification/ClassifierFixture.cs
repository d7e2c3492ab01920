using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>
/// One small classifier trained once for the whole class of tests (training is the slow part): ten intents of
/// generated support requests, a tiny encoder, a few epochs.
/// </summary>
internal static class ClassifierFixture
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Intent { get; set; } = "";
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public string PredictedIntent { get; set; } = "";
    }

    private static readonly Lazy<Trained> Shared = new(() => Train(seed: 1));

    public static Trained Model => Shared.Value;

    public sealed record Trained(MLContext Ml, ITransformer Model, IDataView Train, IDataView Test, Row[] TestRows);

    public static TextClassificationOptions TinyOptions(int seed, int epochs = 4) => new()
    {
        TextColumnName = "Text",
        LabelColumnName = "Label",
        Model = new ModelOptions
        {
            ModelDimension = 64,
            Heads = 2,
            EncoderLayers = 2,
            DecoderLayers = 0,
            FeedForwardDimension = 128,
            MaxLength = 64,
            PositionalEncoding = PositionalEncoding.Learned,
            EmbeddingDropout = 0,
            AttentionDropout = 0,
            ResidualDropout = 0,
            FeedForwardDropout = 0,
        },
        Tokenizer = new TokenizerOptions { VocabularySize = 600, MaxLength = 48 },
        Training = new Microsoft.ML.Transformer.Training.TrainingOptions { Epochs = epochs, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 20, Seed = TestSeed.Shift(seed), LogEveryNSteps = 1000 },
        HeadDropout = 0,
    };

    public static Row[] Rows(int count, int seed) =>
        SupportRequests.Generate(count, TestSeed.Shift(seed)).Select(r => new Row { Text = r.Text, Intent = r.Intent }).ToArray();

    public static IEstimator<ITransformer> Pipeline(MLContext ml, TextClassificationOptions options) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedIntent", "PredictedLabel"));

    private static Trained Train(int seed)
    {
        var ml = new MLContext(seed);
        var train = ml.Data.LoadFromEnumerable(Rows(1200, seed: 10));
        var testRows = Rows(300, seed: 20);
        var test = ml.Data.LoadFromEnumerable(testRows);
        var options = TinyOptions(seed);
        var model = Pipeline(ml, options).Fit(train);
        return new Trained(ml, model, train, test, testRows);
    }
}
