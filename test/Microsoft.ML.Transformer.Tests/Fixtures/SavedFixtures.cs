using Microsoft.ML.Transformer.MLNet.Attention;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.MLNet.TokenIds;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tests.Interop;
using Microsoft.ML.Transformer.Tests.Generation;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Fixtures;

/// <summary>
/// The committed model zips, one per component, and how they were made: tiny networks trained for a few steps on
/// generated data. They stay as saved, so that a later ML.NET, TorchSharp or library version is checked against
/// models written by an earlier one.
/// </summary>
internal static class SavedFixtures
{
    /// <summary>The fixtures, by file name (without extension).</summary>
    public static readonly string[] Names =
        ["classifier-multiclass", "classifier-binary", "generator", "pretraining", "embeddings", "attention", "regressor", "tagger", "question-answerer", "token-ids"];

    /// <summary>The folder of the committed fixtures in the source tree.</summary>
    public static string Folder { get; } = Path.Combine(TestPaths.RepoRoot, "test", "Microsoft.ML.Transformer.Tests", "Fixtures");

    public static string Zip(string name) => Path.Combine(Folder, name + ".zip");

    public static string Rows(string name) => Path.Combine(Folder, name + ".rows.tsv");

    public static string Expected(string name) => Path.Combine(Folder, name + ".expected.txt");

    /// <summary>The input rows scored for each fixture: a header line, then a few rows the model never trained on.</summary>
    public static string[] InputLines(string name) => name switch
    {
        "classifier-multiclass" => SupportRequests.Generate(6, seed: 77).Select(r => r.Text + "\t" + r.Intent).Prepend("Text\tIntent").ToArray(),
        "generator" => TextGeneratorFixture.Reversals(6, seed: 77).Select(p => p.Source).Prepend("Source").ToArray(),
        "regressor" => SimilarPairs.Generate(6, seed: 77).Select(p => p.First + "\t" + p.Second).Prepend("First\tSecond").ToArray(),
        "tagger" => RestaurantEntities.Generate(6, seed: 77).Select(s => s.Text).Prepend("Text").ToArray(),
        "question-answerer" => RestaurantQuestions.Generate(6, seed: 77).Select(q => q.Context + "\t" + q.Question).Prepend("Context\tQuestion").ToArray(),
        _ => SupportRequests.Unlabelled(6, seed: 77).Prepend("Text").ToArray(),
    };

    /// <summary>
    /// How each fixture is trained, in one context (the embeddings and attention transforms read the multiclass
    /// classifier, trained once); nothing is trained until asked, so a fixture can be written again alone.
    /// </summary>
    public static Dictionary<string, Func<ITransformer>> Trainers(MLContext ml)
    {
        var multiclass = new Lazy<ITransformer>(() => Classifier(ml, binary: false));
        return new Dictionary<string, Func<ITransformer>>
        {
            ["classifier-multiclass"] = () => multiclass.Value,
            ["classifier-binary"] = () => Classifier(ml, binary: true),
            ["generator"] = () => Generator(ml),
            ["pretraining"] = () => Pretraining(ml),
            ["embeddings"] = () => ml.Transforms.Text.TransformerEmbeddings(new TextEmbeddingOptions
            {
                InputColumnName = "Text", OutputColumnName = "Embedding", BaseModel = multiclass.Value, Normalize = true, MaxLength = 24, ScoringBatchSize = 4,
            }).Fit(Texts(ml)),
            ["attention"] = () => ml.Transforms.Text.TransformerAttentionWeights(new AttentionWeightsOptions
            {
                InputColumnName = "Text", OutputColumnName = "Attention", BaseModel = multiclass.Value, MaxLength = 12, ScoringBatchSize = 4,
            }).Fit(Texts(ml)),
            ["regressor"] = () => Regressor(ml),
            ["tagger"] = () => Tagger(ml),
            ["question-answerer"] = () => QuestionAnswerer(ml),
            // A wide-and-deep classifier's folder, so that the zip also holds the n-gram settings; ids need no weights.
            ["token-ids"] = () => ml.Transforms.Text.TransformerTokenIds(new TokenIdsOptions
            {
                ModelFolder = TokenIdsTests.ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8) { Ngrams = new HashedNgrams(1024, 2, 3) }),
                ScoringBatchSize = 4,
            }).Fit(Texts(ml)),
        };
    }

    // Float32, pinned: regenerated fixtures must not depend on whether the CPU multiplies bfloat16 natively.
    private const Precision Pinned = Precision.Float32;

    private static IDataView Texts(MLContext ml) => ml.Data.LoadFromEnumerable(SupportRequests.Unlabelled(8, seed: 5).Select(t => new TextRow { Text = t }));

    private static ModelOptions Tiny(int encoderLayers, int decoderLayers, int maxLength) => new()
    {
        VocabularySize = 1, ModelDimension = 32, Heads = 2, EncoderLayers = encoderLayers, DecoderLayers = decoderLayers,
        FeedForwardDimension = 64, MaxLength = maxLength, PositionalEncoding = PositionalEncoding.Learned,
        EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
    };

    private static ITransformer Classifier(MLContext ml, bool binary)
    {
        var options = new TextClassificationOptions
        {
            TextColumnName = "Text", LabelColumnName = "Label", Model = Tiny(1, 0, 32),
            Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 24 },
            Training = new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 2, Seed = 1, LogEveryNSteps = 1000, Precision = Pinned },
            HeadDropout = 0,
        };
        var rows = SupportRequests.Generate(256, seed: 3);
        if (binary)
        {
            var data = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Text = r.Text, Label = r.Intent is "lost_card" or "close_account" }));
            return ml.BinaryClassification.Trainers.TransformerClassifier(options).Fit(data);
        }
        var labelled = ml.Data.LoadFromEnumerable(rows.Select(r => new LabelledRow { Text = r.Text, Intent = r.Intent }));
        return ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedIntent", "PredictedLabel"))
            .Fit(labelled);
    }

    private static ITransformer Regressor(MLContext ml)
    {
        var options = new TextRegressionOptions
        {
            TextColumnName = "First", SecondTextColumnName = "Second", LabelColumnName = "Label", Model = Tiny(1, 0, 48),
            Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 40 },
            Training = new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 2, Seed = 1, LogEveryNSteps = 1000, Precision = Pinned },
            HeadDropout = 0,
        };
        var rows = SimilarPairs.Generate(256, seed: 3).Select(p => new PairRow { First = p.First, Second = p.Second, Label = p.Similarity });
        return ml.Regression.Trainers.TransformerRegressor(options).Fit(ml.Data.LoadFromEnumerable(rows));
    }

    /// <summary>The tagger alone (a served text has no training labels), then its keys as label text.</summary>
    private static ITransformer Tagger(MLContext ml)
    {
        var options = new EntityTaggingOptions
        {
            Model = Tiny(1, 0, 32), Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 32 },
            Training = new TrainingOptions { Epochs = 8, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 4, Seed = 1, LogEveryNSteps = 1000 },
            HeadDropout = 0,
        };
        var data = ml.Data.LoadFromEnumerable(RestaurantEntities.Generate(256, seed: 3));
        var chain = ml.Transforms.Conversion.MapValueToKey("Label", nameof(TaggedSentence.Tags))
            .Append(ml.MulticlassClassification.Trainers.TransformerEntityTagger(options)).Fit(data);
        var tagger = chain.LastTransformer;
        var labels = ml.Transforms.Conversion.MapKeyToValue("PredictedTags", TaggingColumns.PredictedLabel).Fit(tagger.Transform(data));
        return new Microsoft.ML.Data.TransformerChain<ITransformer>(tagger, labels);
    }

    private static ITransformer QuestionAnswerer(MLContext ml)
    {
        var options = new QuestionAnsweringOptions
        {
            Model = Tiny(1, 0, 40), Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 40 }, Stride = 12,
            Training = new TrainingOptions { Epochs = 8, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 4, Seed = 1, LogEveryNSteps = 1000 },
            HeadDropout = 0,
        };
        return ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(options).Fit(ml.Data.LoadFromEnumerable(RestaurantQuestions.Generate(256, seed: 3)));
    }

    private static ITransformer Generator(MLContext ml)
    {
        var options = new TextGenerationOptions
        {
            SourceColumnName = "Source", TargetColumnName = "Target", OutputColumnName = "Output", LogProbabilityColumnName = "LogProbability",
            Model = Tiny(1, 1, 16), Tokenizer = TextGeneratorFixture.LetterTokenizer(),
            Training = new TrainingOptions { Epochs = 4, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 2, Seed = 1, LogEveryNSteps = 1000, Precision = Pinned },
            Decoding = new DecodingOptions { MaxNewTokens = 8 },
            ScoringBatchSize = 4,
        };
        return ml.Transforms.Text.TransformerTextGenerator(options).Fit(ml.Data.LoadFromEnumerable(TextGeneratorFixture.Reversals(1000, seed: 3)));
    }

    private static ITransformer Pretraining(MLContext ml)
    {
        var options = new TextPretrainingOptions
        {
            TextColumnName = "Text", Objective = PretrainingObjective.CausalLanguageModel, Model = Tiny(0, 1, 48),
            Tokenizer = new TokenizerOptions { Kind = TokenizerKind.Bytes, MaxLength = 48 },
            Training = new TrainingOptions { MaxSteps = 12, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 2, Seed = 1, LogEveryNSteps = 1000, Precision = Pinned },
            ScoringBatchSize = 4,
        };
        return ml.Transforms.Text.TransformerPretrainer(options).Fit(ml.Data.LoadFromEnumerable(SupportRequests.Unlabelled(200, seed: 3).Select(t => new TextRow { Text = t })));
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private sealed class LabelledRow
    {
        public string Text { get; set; } = "";
        public string Intent { get; set; } = "";
    }

    private sealed class PairRow
    {
        public string First { get; set; } = "";
        public string Second { get; set; } = "";
        public float Label { get; set; }
    }

    private sealed class BinaryRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }
}
