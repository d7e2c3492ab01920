using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.QuestionAnswering;

/// <summary>
/// One small question answerer trained once for the tests of its class: generated restaurant descriptions with a
/// question each, a tiny encoder, windows of 40 tokens with a stride of 12 (many contexts need two windows, so
/// training also sees windows that do not hold the answer).
/// </summary>
internal static class QaFixture
{
    public sealed class Prediction
    {
        public string PredictedAnswer { get; set; } = "";
        public int PredictedAnswerStart { get; set; }
        public float Score { get; set; }
        public string[] TopAnswers { get; set; } = [];
        public int[] TopAnswerStarts { get; set; } = [];
        public float[] TopScores { get; set; } = [];
    }

    private static readonly Lazy<Trained> Shared = new(() => Train(TestSeed.Shift(1)));

    public static Trained Model => Shared.Value;

    public sealed record Trained(MLContext Ml, QuestionAnsweringTransformer Model, IDataView Test, AnsweredQuestion[] TestRows);

    public static QuestionAnsweringOptions TinyOptions(int seed, int epochs = 12) => new()
    {
        Model = new ModelOptions
        {
            ModelDimension = 48,
            Heads = 4,
            EncoderLayers = 2,
            DecoderLayers = 0,
            FeedForwardDimension = 96,
            MaxLength = 40,
            PositionalEncoding = PositionalEncoding.Learned,
            EmbeddingDropout = 0,
            AttentionDropout = 0,
            ResidualDropout = 0,
        },
        Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 40 },
        Stride = 12,
        Training = new TrainingOptions { Epochs = epochs, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 40, Seed = seed, LogEveryNSteps = 1000 },
        HeadDropout = 0,
    };

    public static Trained Train(int seed, int epochs = 12)
    {
        var ml = new MLContext(seed);
        var train = ml.Data.LoadFromEnumerable(RestaurantQuestions.Generate(600, seed: seed + 10));
        var testRows = RestaurantQuestions.Generate(200, seed: seed + 20);
        var model = ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(TinyOptions(seed, epochs)).Fit(train);
        return new Trained(ml, model, ml.Data.LoadFromEnumerable(testRows), testRows);
    }
}
