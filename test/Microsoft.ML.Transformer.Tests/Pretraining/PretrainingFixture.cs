using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Tiny pretraining runs on generated support requests, and one causal model trained once for the tests that use it.</summary>
internal static class PretrainingFixture
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class Scores
    {
        public string Text { get; set; } = "";
        public float Loss { get; set; }
        public float Perplexity { get; set; }
    }

    public static Row[] Rows(int count, int seed) => SupportRequests.Unlabelled(count, TestSeed.Shift(seed)).Select(t => new Row { Text = t }).ToArray();

    /// <summary>A byte-level model of width 48 without dropout, shaped for <paramref name="objective"/>.</summary>
    public static TextPretrainingOptions Tiny(PretrainingObjective objective, long steps, int seed = 1) => new()
    {
        Objective = objective,
        Model = new ModelOptions
        {
            ModelDimension = 48,
            Heads = 2,
            EncoderLayers = objective == PretrainingObjective.CausalLanguageModel ? 0 : 2,
            DecoderLayers = objective == PretrainingObjective.MaskedLanguageModel ? 0 : 2,
            FeedForwardDimension = 96,
            MaxLength = 64,
            Activation = Activation.Gelu,
            PositionalEncoding = PositionalEncoding.Learned,
            TieEmbeddings = true,
            EmbeddingDropout = 0,
            AttentionDropout = 0,
            ResidualDropout = 0,
            FeedForwardDropout = 0,
        },
        Tokenizer = new TokenizerOptions { Kind = TokenizerKind.Bytes, MaxLength = 48 },
        Training = new TrainingOptions
        {
            MaxSteps = steps, BatchSize = 16, LearningRate = 3e-3, MinLearningRate = 3e-4, WarmupSteps = 10, Seed = TestSeed.Shift(seed), LogEveryNSteps = 1000,
        },
    };

    private static readonly Lazy<(MLContext Ml, TextPretrainingTransformer Model, IDataView Train)> Shared = new(() =>
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(Rows(800, seed: 1));
        var options = Tiny(PretrainingObjective.MaskedLanguageModel, steps: 100);
        options.Tokenizer = new TokenizerOptions { VocabularySize = 600, MaxLength = 48 }; // a learned BPE, as the classifier tests use
        var model = ml.Transforms.Text.TransformerPretrainer(options).Fit(train);
        return (ml, model, train);
    });

    /// <summary>A masked-LM encoder (learned 600-entry BPE) pretrained once on 800 support requests (100 steps).</summary>
    public static (MLContext Ml, TextPretrainingTransformer Model, IDataView Train) MaskedModel => Shared.Value;

    public static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
