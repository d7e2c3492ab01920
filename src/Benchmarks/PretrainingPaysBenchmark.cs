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

    public string Description => "banking77: masked-LM pretraining on unlabelled texts, then fine-tuning on 10% vs training from scratch (--pretrain-steps, --extra tatoeba,sentiment, --save zip, --base zip, --lr, --scratch-lr, --epochs, --only pretrained|scratch, --freeze-embeddings, --freeze-layers N)";

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
        // --base reuses a pretrained zip written by an earlier --save run (to try fine-tuning settings without pretraining again).
        var pretrained = args.Has("base")
            ? (TextPretrainingTransformer)ml.Model.Load(args.String("base", ""), out _)
            : ml.Transforms.Text.TransformerPretrainer(Pretraining(args, seed)).Fit(ml.Data.LoadFromEnumerable(Unlabelled(args, train)));
        double pretrainSeconds = watch.Elapsed.TotalSeconds;
        if (pretrained.TrainingHistory is { } history)   // a loaded zip keeps the network, not the training records
            Result.Print("pretrain_pays_pretraining", ("objective", pretrained.Objective), ("steps", history.Records.Count),
                ("final_loss", history.Records.TakeLast(50).Average(r => r.Loss)), ("seconds", pretrainSeconds));
        if (args.Has("save"))
        {
            // The pretrained encoder as an ordinary model zip, e.g. for the embeddings benchmark's --base.
            ml.Model.Save(pretrained, ml.Data.LoadFromEnumerable(train).Schema, args.String("save", "pretrained.zip"));
            Console.WriteLine($"Saved the pretrained model to {Path.GetFullPath(args.String("save", "pretrained.zip"))}.");
        }

        // --only pretrained (or scratch) runs one arm while trying fine-tuning settings.
        string only = args.String("only", "both");
        if (only is not ("both" or "pretrained" or "scratch"))
            throw new ArgumentException($"--only: expected both, pretrained or scratch, found '{only}'.");
        double scratch = only == "pretrained" ? double.NaN : Accuracy(ml, Classifier(args, seed, baseModel: null), labelled, test);
        double fineTuned = only == "scratch" ? double.NaN : Accuracy(ml, Classifier(args, seed, baseModel: pretrained), labelled, test);
        Result.Print("pretrain_pays", ("labelled_rows", labelled.Length), ("scratch_lr", LearningRate(args, pretrained: false)),
            ("pretrained_lr", LearningRate(args, pretrained: true)), ("scratch_accuracy", scratch), ("pretrained_accuracy", fineTuned),
            ("gain_points", 100 * (fineTuned - scratch)), ("target_points", 5));
    }

    /// <summary>The encoder both classifiers share; the pretrained one adds the masked-LM objective's tied output head.</summary>
    private static ModelOptions Network(BenchmarkArgs args) => new()
    {
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

    private static TextPretrainingOptions Pretraining(BenchmarkArgs args, int seed) => new()
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

    private static TextClassificationOptions Classifier(BenchmarkArgs args, int seed, ITransformer? baseModel) => new()
    {
        Model = Network(args),
        Tokenizer = Tokenizer(args),
        BaseModel = baseModel,
        FreezeLayers = baseModel is null ? 0 : args.Int("freeze-layers", 0),
        FreezeEmbeddings = baseModel is not null && args.Has("freeze-embeddings"),
        Training = new TrainingOptions
        {
            Epochs = args.Int("epochs", 30), BatchSize = 32, LearningRate = LearningRate(args, pretrained: baseModel is not null),
            WarmupSteps = 100, Seed = seed, LogEveryNSteps = 250,
        },
    };

    /// <summary>Each arm may get its own learning rate (--scratch-lr, default --lr): compare each at its best setting.</summary>
    private static double LearningRate(BenchmarkArgs args, bool pretrained) =>
        pretrained ? args.Double("lr", 5e-4) : args.Double("scratch-lr", args.Double("lr", 5e-4));

    private static double Accuracy(MLContext ml, TextClassificationOptions options, Row[] labelled, IDataView test)
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

    /// <summary>
    /// The pretraining corpus: banking77's training texts (labels unused), plus with --extra the English side of
    /// tatoeba-cmn-eng ("tatoeba") and the UCI sentiment sentences ("sentiment"), deduplicated.
    /// </summary>
    private static Row[] Unlabelled(BenchmarkArgs args, Row[] train)
    {
        var texts = train.Select(r => r.Text).ToList();
        foreach (string extra in args.String("extra", "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            texts.AddRange(extra switch
            {
                "tatoeba" => File.ReadLines(Path.Combine(args.DataDir, "tatoeba-cmn-eng", "cmn.txt")).Select(l => l.Split('\t')[0]),
                "sentiment" => Directory.GetFiles(Path.Combine(args.DataDir, "uci-sentiment-labelled"), "*_labelled.txt")
                    .SelectMany(File.ReadLines).Select(l => l.Split('\t')[0]),
                _ => throw new ArgumentException($"--extra: unknown corpus '{extra}'; known: tatoeba, sentiment."),
            });
        }
        var rows = texts.Where(t => t.Length > 0).Distinct().Select(t => new Row { Text = t }).ToArray();
        Console.WriteLine($"pretraining corpus: {rows.Length:N0} distinct texts");
        return rows;
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
