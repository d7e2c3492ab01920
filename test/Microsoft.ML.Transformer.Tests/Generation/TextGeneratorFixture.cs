using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>
/// One tiny generator trained once for every test that needs a trained one (training is the slow part): it learns to
/// write short words backwards, a task whose answer is known for any input, with a byte-level vocabulary.
/// </summary>
internal static class TextGeneratorFixture
{
    public sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
    }

    public sealed class Generated
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
        public string Output { get; set; } = "";
        public float LogProbability { get; set; }
    }

    public sealed record Trained(MLContext Ml, TextGenerationTransformer Model, Pair[] TestRows, IDataView Test, TimeSpan TrainingTime);

    private static readonly Lazy<Trained> Shared = new(() => Train(encoderLayers: 2, seed: 1));

    /// <summary>The shared encoder-decoder, trained on first use.</summary>
    public static Trained Model => Shared.Value;

    /// <summary>Words of 3 to 7 letters from a ten-letter alphabet, and the same words reversed; reproducible for a seed.</summary>
    public static Pair[] Reversals(int count, int seed)
    {
        var random = new Random(TestSeed.Shift(seed));
        return Enumerable.Range(0, count).Select(_ =>
        {
            var word = new string(Enumerable.Range(0, random.Next(3, 8)).Select(_ => (char)('a' + random.Next(10))).ToArray());
            return new Pair { Source = word, Target = new string(word.Reverse().ToArray()) };
        }).ToArray();
    }

    /// <summary>
    /// One token per letter a–j (a BPE without merges, from vocab.json and merges.txt files written to a temporary
    /// folder; the model saves their content): a small vocabulary makes the tiny network learn in seconds, where 256
    /// byte tokens take it several times longer.
    /// </summary>
    public static TokenizerOptions LetterTokenizer()
    {
        string dir = TestPaths.NewTempDir();
        string vocabulary = Path.Combine(dir, "vocab.json"), merges = Path.Combine(dir, "merges.txt");
        File.WriteAllText(vocabulary, "{" + string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"{(char)('a' + i)}\":{i}")) + "}");
        File.WriteAllText(merges, "#version: 0.2\n");
        return new TokenizerOptions
        {
            Kind = TokenizerKind.BpeFiles, BpeVocabularyFile = vocabulary, BpeMergesFile = merges, BpeFilesByteLevel = false, MaxLength = 12,
        };
    }

    /// <summary>A tiny network, one token per letter, no dropout: learns the reversals in well under a minute on two cores.</summary>
    public static TextGenerationOptions TinyOptions(int encoderLayers, int seed, int epochs) => new()
    {
        OutputColumnName = "Output",
        LogProbabilityColumnName = "LogProbability",
        Model = new ModelOptions
        {
            ModelDimension = 64,
            Heads = 4,
            EncoderLayers = encoderLayers,
            DecoderLayers = 2,
            FeedForwardDimension = 128,
            MaxLength = 32,
            EmbeddingDropout = 0,
            AttentionDropout = 0,
            ResidualDropout = 0,
            FeedForwardDropout = 0,
        },
        Tokenizer = LetterTokenizer(),
        Training = new Microsoft.ML.Transformer.Training.TrainingOptions
        {
            Epochs = epochs, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 50, Seed = TestSeed.Shift(seed), LogEveryNSteps = 10_000,
        },
        Decoding = new DecodingOptions { MaxNewTokens = 12 },
        ScoringBatchSize = 16,
    };

    public static Trained Train(int encoderLayers, int seed, int epochs = 12)
    {
        var ml = new MLContext(seed);
        var train = ml.Data.LoadFromEnumerable(Reversals(2000, seed));
        var testRows = Reversals(200, seed + 1000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var model = ml.Transforms.Text.TransformerTextGenerator(TinyOptions(encoderLayers, seed, epochs)).Fit(train);
        return new Trained(ml, model, testRows, ml.Data.LoadFromEnumerable(testRows), watch.Elapsed);
    }

    /// <summary>Transform's rows, in order.</summary>
    public static Generated[] Generate(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<Generated>(model.Transform(data), reuseRowObject: false).ToArray();
}
