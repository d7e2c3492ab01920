using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Entity tagging on the E2E NLG references labelled from their meaning representations (see
/// <see cref="E2eEntities"/>): a gazetteer of the training entities, the Transformer tagger from scratch, and the
/// tagger started from an encoder pretrained (masked language model) on the training texts. Entity F1 overall and per
/// type on the derived test split, training seconds and scoring rows/s (with the machine's load average beside them).
/// </summary>
internal sealed class NerBenchmark : IBenchmark
{
    public string Name => "ner";

    public string Description => "E2E-derived entity tagging: gazetteer vs Transformer tagger (scratch, pretrained on the training texts); entity F1 overall and per type, train seconds, scoring rows/s";

    public void Run(BenchmarkArgs args)
    {
        var ml = new MLContext(1);
        // "mr": no meaning representation in both parts; "name": no restaurant name of the test part is a name in training.
        string split = args.String("split", "mr");
        var (allTrain, test) = E2eEntities.Load(Path.Combine(args.DataDir, "e2e-nlg"), byName: split == "name");
        var rng = new Random(1);
        var train = allTrain.OrderBy(_ => rng.Next()).Take(args.Int("train-rows", 4000)).ToArray();
        Console.WriteLine($"derived ({split} split): {allTrain.Length} training rows ({train.Length} used), {test.Length} test rows");

        var sw = Stopwatch.StartNew();
        var gazetteer = Gazetteer.Learn(train);
        double gazetteerTrain = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var predicted = test.Select(r => gazetteer.Tag(r.Text)).ToArray();
        double gazetteerScore = sw.Elapsed.TotalSeconds;
        Report("gazetteer", split, EntityMetrics.Compute(test.Select((r, i) => ((IReadOnlyList<string>)r.Tags, (IReadOnlyList<string>)predicted[i]))),
            gazetteerTrain, test.Length / gazetteerScore, test.Length);

        var trainView = ml.Data.LoadFromEnumerable(train);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label", nameof(TaggedSentence.Tags)).Fit(trainView);
        var testView = keys.Transform(ml.Data.LoadFromEnumerable(test));
        Tagger("transformer-scratch", split, ml, Options(args, null), keys.Transform(trainView), testView, 0);

        int pretrainEpochs = args.Int("pretrain-epochs", 4);
        if (pretrainEpochs > 0)
        {
            sw.Restart();
            var pretrained = ml.Transforms.Text.TransformerPretrainer(new TextPretrainingOptions
            {
                Objective = PretrainingObjective.MaskedLanguageModel,
                Model = Network(args) with { DecoderLayers = 0 },
                Tokenizer = Tokenizer(args),
                Training = new TrainingOptions { Epochs = pretrainEpochs, BatchSize = 32, LearningRate = 1e-3, WarmupSteps = 100, Seed = 1, LogEveryNSteps = 500 },
            }).Fit(trainView);
            Tagger("transformer-pretrained", split, ml, Options(args, pretrained), keys.Transform(trainView), testView, sw.Elapsed.TotalSeconds);
        }
    }

    private static void Tagger(string name, string split, MLContext ml, EntityTaggingOptions options, IDataView train, IDataView test, double pretrainSeconds)
    {
        var sw = Stopwatch.StartNew();
        var tagger = ml.MulticlassClassification.Trainers.TransformerEntityTagger(options).Fit(train);
        double trainSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var scored = ml.Data.TakeRows(tagger.Transform(test), long.MaxValue);
        var metrics = EntityMetrics.Evaluate(scored);
        double scoreSeconds = sw.Elapsed.TotalSeconds;
        Report(name, split, metrics, trainSeconds + pretrainSeconds, metrics.Rows / scoreSeconds, metrics.Rows, ("pretrain_seconds", pretrainSeconds));
    }

    private static void Report(string name, string split, EntityMetrics metrics, double trainSeconds, double rowsPerSecond, long rows, params (string, object)[] extra)
    {
        var fields = new List<(string, object)> { ("model", name), ("split", split), ("f1", metrics.Overall.F1), ("precision", metrics.Overall.Precision), ("recall", metrics.Overall.Recall) };
        fields.AddRange(metrics.PerType.Select(p => ("f1_" + p.Key, (object)p.Value.F1)));
        fields.AddRange([("train_seconds", trainSeconds), ("score_rows_per_s", rowsPerSecond), ("test_rows", rows), .. extra, ("load_avg_1m", LoadAverage())]);
        Result.Print("ner", [.. fields]);
    }

    // The machine is shared: the load average beside a time says how far to trust it.
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    internal static ModelOptions Network(BenchmarkArgs args) => new()
    {
        ModelDimension = args.Int("dim", 128),
        Heads = 4,
        EncoderLayers = args.Int("layers", 2),
        DecoderLayers = 0,
        FeedForwardDimension = 4 * args.Int("dim", 128),
        Activation = Activation.Gelu,
        PositionalEncoding = PositionalEncoding.Learned,
        MaxLength = 96,
    };

    internal static TokenizerOptions Tokenizer(BenchmarkArgs args) => new() { VocabularySize = args.Int("vocab", 2000), MaxLength = 96 };

    /// <summary>The training options of the E2E-derived benchmarks (entity tagging, similarity, question answering).</summary>
    internal static TrainingOptions Training(BenchmarkArgs args) => new()
    {
        Epochs = args.Int("epochs", 4),
        BatchSize = args.Int("batch", 32),
        LearningRate = args.Double("lr", 1e-3),
        WarmupSteps = 100,
        Seed = 1,
        LogEveryNSteps = 500,
    };

    private static EntityTaggingOptions Options(BenchmarkArgs args, ITransformer? baseModel) => new()
    {
        Model = Network(args),
        // A fine-tuned tagger keeps its base model's tokenizer, whose vocabulary can be smaller than the size asked for.
        Tokenizer = baseModel is null ? Tokenizer(args) : new TokenizerOptions { MaxLength = Tokenizer(args).MaxLength },
        BaseModel = baseModel,
        Training = Training(args),
        HeadDropout = 0.1,
    };
}
