using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Does pretraining pay? banking77: an encoder is pretrained (masked LM) on the training texts without their labels,
/// then fine-tuned on a seeded 10% of the labelled training rows; the same network trained from scratch on the same
/// 10% is the baseline. Both are scored on the test split with ML.NET's multiclass evaluator.
/// </summary>
internal sealed class PretrainingPaysBenchmark : IBenchmark
{
    public string Name => "pretrain-pays";

    public string Description => "banking77: masked-LM pretraining on unlabelled texts, then fine-tuning on 10% vs training from scratch (--save zip)";

    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Category { get; set; } = "";
    }

    public void Run(BenchmarkArgs args)
    {
        int seed = args.Int("seed", 1);
        var ml = new MLContext(seed);
        ml.Log += (_, e) =>
        {
            if (e.Kind >= Runtime.ChannelMessageKind.Info && (e.Source.Contains("Pretraining", StringComparison.Ordinal) || e.Source.Contains("Classification", StringComparison.Ordinal)))
                Console.WriteLine(e.Message);
        };
        var train = Read(ml, Path.Combine(args.DataDir, "banking77", "train.csv"));
        var test = ml.Data.LoadFromEnumerable(Read(ml, Path.Combine(args.DataDir, "banking77", "test.csv")));
        var labelled = train.ToArray();
        new Random(seed).Shuffle(labelled);
        labelled = labelled[..(int)Math.Round(args.Double("fraction", 0.1) * labelled.Length)];
        Console.WriteLine($"banking77: {train.Length:N0} unlabelled training texts, {labelled.Length:N0} labelled rows for fine-tuning, test split");

        var watch = Stopwatch.StartNew();
        var pretrained = ml.Transforms.Text.PretrainTransformer(Pretraining(args, seed)).Fit(ml.Data.LoadFromEnumerable(train));
        double pretrainSeconds = watch.Elapsed.TotalSeconds;
        Result.Print("pretrain_pays_pretraining", ("objective", pretrained.Objective), ("steps", pretrained.TrainingHistory!.Records.Count),
            ("final_loss", pretrained.TrainingHistory.Records.TakeLast(50).Average(r => r.Loss)), ("seconds", pretrainSeconds));
        if (args.Has("save"))
        {
            // The pretrained encoder as an ordinary model zip, e.g. for the embeddings benchmark's --base.
            ml.Model.Save(pretrained, ml.Data.LoadFromEnumerable(train).Schema, args.String("save", "pretrained.zip"));
            Console.WriteLine($"Saved the pretrained model to {Path.GetFullPath(args.String("save", "pretrained.zip"))}.");
        }

        double scratch = Accuracy(ml, Classifier(args, seed, baseModel: null), labelled, test);
        double fineTuned = Accuracy(ml, Classifier(args, seed, baseModel: pretrained), labelled, test);
        Result.Print("pretrain_pays", ("labelled_rows", labelled.Length), ("scratch_accuracy", scratch), ("pretrained_accuracy", fineTuned),
            ("gain_points", 100 * (fineTuned - scratch)), ("target_points", 5));
    }

    /// <summary>The encoder both classifiers share; the pretrained one adds the masked-LM objective's tied output head.</summary>
    private static ModelOptions Network(BenchmarkArgs args) => new()
    {
        VocabularySize = 1,
        ModelDimension = args.Int("width", 128),
        Heads = 4,
        EncoderLayers = args.Int("layers", 4),
        DecoderLayers = 0,
        FeedForwardDimension = 4 * args.Int("width", 128),
        Activation = Activation.Gelu,
        PositionalEncoding = PositionalEncoding.Learned,
        TieEmbeddings = true,
        MaxLength = 64,
    };

    private static TokenizerOptions Tokenizer(BenchmarkArgs args) => new() { VocabularySize = args.Int("vocab", 2000), MaxLength = 64 };

    private static TransformerPretrainingOptions Pretraining(BenchmarkArgs args, int seed) => new()
    {
        Objective = PretrainingObjective.MaskedLanguageModel,
        Model = Network(args),
        Tokenizer = Tokenizer(args),
        Training = new TrainingOptions
        {
            MaxSteps = args.Int("pretrain-steps", 2000), Epochs = 1000, BatchSize = 64, LearningRate = 1e-3, MinLearningRate = 1e-4,
            WarmupSteps = 100, WeightDecay = 0.1, Seed = seed, LogEveryNSteps = 250,
        },
    };

    private static TransformerClassifierOptions Classifier(BenchmarkArgs args, int seed, ITransformer? baseModel) => new()
    {
        Model = Network(args),
        Tokenizer = Tokenizer(args),
        BaseModel = baseModel,
        Training = new TrainingOptions
        {
            Epochs = args.Int("epochs", 30), BatchSize = 32, LearningRate = args.Double("lr", 5e-4), WarmupSteps = 100, Seed = seed, LogEveryNSteps = 250,
        },
    };

    private static double Accuracy(MLContext ml, TransformerClassifierOptions options, Row[] labelled, IDataView test)
    {
        var watch = Stopwatch.StartNew();
        var model = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Category))
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(options))
            .Fit(ml.Data.LoadFromEnumerable(labelled));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Result.Print("pretrain_pays_classifier", ("start", options.BaseModel is null ? "scratch" : "pretrained"),
            ("accuracy", metrics.MicroAccuracy), ("macro_accuracy", metrics.MacroAccuracy), ("seconds", watch.Elapsed.TotalSeconds));
        return metrics.MicroAccuracy;
    }

    /// <summary>banking77's "text,category" rows through ML.NET's loader (quoted multi-line fields, header).</summary>
    private static Row[] Read(MLContext ml, string path)
    {
        var data = ml.Data.LoadFromTextFile(path, new TextLoader.Options
        {
            Columns = [new TextLoader.Column(nameof(Row.Text), DataKind.String, 0), new TextLoader.Column(nameof(Row.Category), DataKind.String, 1)],
            Separators = [','],
            HasHeader = true,
            AllowQuoting = true,
            ReadMultilines = true,
        });
        return ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).Where(r => r.Text.Length > 0).ToArray();
    }
}
