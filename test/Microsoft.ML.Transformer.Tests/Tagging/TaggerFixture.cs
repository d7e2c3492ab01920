using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Tagging;

/// <summary>
/// One small entity tagger trained once for the tests of its class: generated restaurant sentences (name, food, area,
/// near), a tiny encoder, windows of 32 tokens (most sentences fit in one; longer texts are read in several).
/// </summary>
internal static class TaggerFixture
{
    public sealed class Prediction
    {
        public uint[] PredictedLabel { get; set; } = [];
        public string[] Entities { get; set; } = [];
        public int[] EntityStart { get; set; } = [];
        public int[] EntityLength { get; set; } = [];
        public string[] EntityType { get; set; } = [];
        public float[] EntityScore { get; set; } = [];
    }

    private static readonly Lazy<Trained> Shared = new(() => Train(TestSeed.Shift(1), io: false));

    public static Trained Model => Shared.Value;

    public sealed record Trained(MLContext Ml, ITransformer Model, IDataView Train, IDataView Test, TaggedSentence[] TestRows);

    public static EntityTaggingOptions TinyOptions(int seed, int epochs = 10) => new()
    {
        Model = new ModelOptions
        {
            ModelDimension = 48,
            Heads = 4,
            EncoderLayers = 2,
            DecoderLayers = 0,
            FeedForwardDimension = 96,
            MaxLength = 32,
            PositionalEncoding = PositionalEncoding.Learned,
            EmbeddingDropout = 0,
            AttentionDropout = 0,
            ResidualDropout = 0,
        },
        Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 32 },
        Training = new TrainingOptions { Epochs = epochs, BatchSize = 8, LearningRate = 3e-3, WarmupSteps = 40, Seed = seed, LogEveryNSteps = 1000 },
        HeadDropout = 0,
    };

    /// <summary>Text → Label (keys from the Tags text), then the tagger.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, EntityTaggingOptions options) =>
        ml.Transforms.Conversion.MapValueToKey("Label", nameof(TaggedSentence.Tags))
            .Append(ml.MulticlassClassification.Trainers.TransformerEntityTagger(options));

    public static Trained Train(int seed, bool io, int epochs = 10)
    {
        var ml = new MLContext(seed);
        var train = ml.Data.LoadFromEnumerable(RestaurantEntities.Generate(400, seed: seed + 10, io));
        var testRows = RestaurantEntities.Generate(200, seed: seed + 20, io);
        var model = Pipeline(ml, TinyOptions(seed, epochs)).Fit(train);
        return new Trained(ml, model, train, ml.Data.LoadFromEnumerable(testRows), testRows);
    }
}
