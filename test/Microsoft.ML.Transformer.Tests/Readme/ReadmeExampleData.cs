using Microsoft.ML;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

// Outside the Microsoft.ML namespaces, as the examples are (see ReadmeExamplesTests).
namespace ReadmeExamples;

/// <summary>The README's serving input: a text to classify.</summary>
internal sealed class Request
{
    public string Text { get; set; } = "";
}

/// <summary>The README's serving output: the predicted intent and the class probabilities.</summary>
internal sealed class Prediction
{
    public string PredictedIntent { get; set; } = "";
    public float[] Score { get; set; } = [];
}

/// <summary>A row of unlabelled text.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";
}

/// <summary>The per-row perplexity a pretrained model adds.</summary>
internal sealed class PerplexityRow
{
    public float Perplexity { get; set; }
}

/// <summary>The class probabilities a classifier adds.</summary>
internal sealed class ScoreRow
{
    public float[] Score { get; set; } = [];
}

/// <summary>The top answers a question answerer adds.</summary>
internal sealed class TopAnswersRow
{
    public string[] TopAnswers { get; set; } = [];
}

/// <summary>A source and the text generated from it.</summary>
internal sealed class GeneratedRow
{
    public string Source { get; set; } = "";
    public string Generated { get; set; } = "";
}

/// <summary>The data the README leaves out ("..."), generated: support requests with intents, and written dates.</summary>
internal static class ReadmeData
{
    public static IDataView Requests(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(SupportRequests.Generate(count, seed));

    public static IDataView Unlabelled(MLContext ml, int count, int seed) =>
        ml.Data.LoadFromEnumerable(SupportRequests.Unlabelled(count, seed).Select(t => new TextRow { Text = t }).ToList());

    public static IDataView Pairs(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(SimilarPairs.Generate(count, seed));

    public static IDataView Sentences(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(RestaurantEntities.Generate(count, seed));

    public static IDataView Questions(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(RestaurantQuestions.Generate(count, seed));

    public static IDataView Dates(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(DateNormalisation.Generate(count, seed));

    public static IDataView Sources(MLContext ml, params string[] sources) =>
        ml.Data.LoadFromEnumerable(sources.Select(s => new DatePair { Source = s }).ToList());
}

/// <summary>Tiny networks and short training, set beside the README's options so that each example runs in seconds.</summary>
internal static class Tiny
{
    public const int Width = 32;

    public static ModelOptions Network(int encoderLayers, int decoderLayers) => new()
    {
        ModelDimension = Width,
        Heads = 2,
        EncoderLayers = encoderLayers,
        DecoderLayers = decoderLayers,
        FeedForwardDimension = 64,
        MaxLength = 128,
        EmbeddingDropout = 0,
        AttentionDropout = 0,
        ResidualDropout = 0,
        FeedForwardDropout = 0,
    };

    public static TokenizerOptions LearnedBpe => new() { VocabularySize = 400 };

    public static TokenizerOptions Bytes => new() { Kind = TokenizerKind.Bytes, MaxLength = 48 };

    public static TrainingOptions Training(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 5, Seed = 1, LogEveryNSteps = 1000,
    };
}
