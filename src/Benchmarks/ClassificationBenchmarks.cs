using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Classification quality on real data, next to ML.NET's standard text pipeline (FeaturizeText + SDCA) trained and
/// scored in the same run on the same split: banking77 (77 intents), the UCI sentiment sets yelp, amazon and imdb
/// (binary, seeded 80/20 splits), and slots of the E2E restaurant descriptions predicted from the sentence (eatType,
/// area, food, familyFriendly; trained on the dev set, tested on the test set). By default the Transformer uses the
/// simple catalog overload, nothing tuned; <c>--tuned</c> uses the options below instead. <c>--warmup STEPS</c> adds a
/// third arm, the self-supervised warm-up lever: a masked-LM encoder of the default small shape is pretrained on the
/// training texts (labels unused) for STEPS steps, then fine-tuned with the defaults; its seconds include pretraining.
/// </summary>
internal sealed class ClassificationBenchmarks : IBenchmark
{
    public string Name => "classify";

    public string Description => "Transformer classifier (defaults, or --tuned) vs FeaturizeText + SDCA on every text classification set (--dataset NAME, --max-train N, --warmup STEPS): accuracy, macro-F1 or AUC, train seconds";

    internal static readonly string[] DataSets = ["banking77", "yelp", "amazon", "imdb", "e2e-eattype", "e2e-area", "e2e-food", "e2e-familyfriendly"];

    public void Run(BenchmarkArgs args)
    {
        string only = args.String("dataset", "all");
        foreach (string name in DataSets.Where(n => only == "all" || only.Split(',').Contains(n)))
        {
            var ml = new MLContext(1);
            ml.Log += (_, e) => { if (e.Source.Contains("TextClassification", StringComparison.Ordinal) && args.Has("verbose")) Console.WriteLine(e.Message); };
            var (train, test, binary) = ClassificationData.Load(ml, args.DataDir, name);
            train = Subsample(ml, train, args.Int("max-train", 0));
            if (binary)
            {
                ReportBinary(name, "featurize-sdca", ml, ml.Transforms.Text.FeaturizeText("Features", "Text")
                    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()), train, test);
                var trainer = args.Has("tuned")
                    ? ml.BinaryClassification.Trainers.TransformerClassifier(Options(args, epochs: 15))
                    : ml.BinaryClassification.Trainers.TransformerClassifier();
                ReportBinary(name, "transformer", ml, trainer, train, test);
                if (args.Has("warmup"))
                    ReportBinary(name, "transformer-warmup", ml, new WarmedUp(ml, args.Int("warmup", 1000), binary: true), train, test);
            }
            else
            {
                var toKey = ml.Transforms.Conversion.MapValueToKey("Label", "Category");
                Report(name, "featurize-sdca", ml, toKey.Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
                    .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()), train, test);
                var trainer = args.Has("tuned")
                    ? ml.MulticlassClassification.Trainers.TransformerClassifier(Options(args, epochs: 20))
                    : ml.MulticlassClassification.Trainers.TransformerClassifier();
                Report(name, "transformer", ml, toKey.Append(trainer), train, test);
                if (args.Has("warmup"))
                    Report(name, "transformer-warmup", ml, toKey.Append(new WarmedUp(ml, args.Int("warmup", 1000), binary: false)), train, test);
            }
        }
    }

    /// <summary>A seeded sample of at most <paramref name="rows"/> training rows (0: all), to keep a run short.</summary>
    private static IDataView Subsample(MLContext ml, IDataView train, int rows) => rows <= 0 ? train
        : ml.Data.TakeRows(ml.Data.ShuffleRows(train, seed: 1), rows);

    internal static TextClassificationOptions Options(BenchmarkArgs args, int epochs) => new()
    {
        TextColumnName = "Text",
        LabelColumnName = "Label",
        Model = new ModelOptions
        {
            ModelDimension = args.Int("dim", 256),
            Heads = 4,
            EncoderLayers = args.Int("layers", 2),
            DecoderLayers = 0,
            FeedForwardDimension = 4 * args.Int("dim", 256),
            Activation = Activation.Gelu,
            PositionalEncoding = PositionalEncoding.Learned,
            MaxLength = 128,
            EmbeddingDropout = args.Double("dropout", 0.1),
            AttentionDropout = args.Double("dropout", 0.1),
            ResidualDropout = args.Double("dropout", 0.1),
            FeedForwardDropout = args.Double("dropout", 0.1),
        },
        Tokenizer = new TokenizerOptions { VocabularySize = args.Int("vocab", 4000), MaxLength = 96 },
        Training = new TrainingOptions
        {
            Epochs = args.Int("epochs", epochs),
            BatchSize = args.Int("batch", 32),
            LearningRate = args.Double("lr", 1e-3),
            WarmupSteps = 200,
            LabelSmoothing = args.Double("smoothing", 0.1),
            WeightDecay = args.Double("wd", 0.05),
            Seed = 1,
            LogEveryNSteps = 500,
        },
        HeadDropout = args.Double("dropout", 0.1),
    };

    private static void Report(string dataset, string name, MLContext ml, IEstimator<ITransformer> pipeline, IDataView train, IDataView test)
    {
        var sw = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = sw.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Result.Print("classify", ("dataset", dataset), ("model", name), ("accuracy", metrics.MicroAccuracy),
            ("macro_f1", MacroF1(metrics.ConfusionMatrix)), ("train_seconds", seconds));
    }

    /// <summary>Macro-averaged F1 from ML.NET's confusion matrix (rows: truth, columns: prediction).</summary>
    internal static double MacroF1(ConfusionMatrix matrix)
    {
        int n = matrix.NumberOfClasses;
        double sum = 0;
        for (int c = 0; c < n; c++)
        {
            double tp = matrix.Counts[c][c];
            double predicted = Enumerable.Range(0, n).Sum(r => matrix.Counts[r][c]);
            double actual = matrix.Counts[c].Sum();
            double precision = predicted > 0 ? tp / predicted : 0, recall = actual > 0 ? tp / actual : 0;
            sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        }
        return sum / n;
    }

    private static void ReportBinary(string dataset, string name, MLContext ml, IEstimator<ITransformer> pipeline, IDataView train, IDataView test)
    {
        var sw = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = sw.Elapsed.TotalSeconds;
        var m = ml.BinaryClassification.Evaluate(model.Transform(test));
        Result.Print("classify", ("dataset", dataset), ("model", name), ("accuracy", m.Accuracy), ("auc", m.AreaUnderRocCurve),
            ("f1", m.F1Score), ("train_seconds", seconds));
    }

    /// <summary>
    /// Pretrains a masked-LM encoder of the classifier's default small shape (width 128, 2 layers) on the training
    /// texts, then fits the default classifier on top of it: the whole lever inside one <c>Fit</c>, so it is timed whole.
    /// </summary>
    private sealed class WarmedUp(MLContext ml, int steps, bool binary) : IEstimator<ITransformer>
    {
        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Trainer(baseModel: null).GetOutputSchema(inputSchema);

        public ITransformer Fit(IDataView input)
        {
            var pretrained = ml.Transforms.Text.TransformerPretrainer(new TextPretrainingOptions
            {
                Objective = Training.Objectives.PretrainingObjective.MaskedLanguageModel,
                Model = new ModelOptions
                {
                    ModelDimension = 128, Heads = 4, EncoderLayers = 2, DecoderLayers = 0, FeedForwardDimension = 512,
                    Activation = Activation.Gelu, PositionalEncoding = PositionalEncoding.Learned, TieEmbeddings = true, MaxLength = 128,
                },
                Training = new TrainingOptions { MaxSteps = steps, Epochs = 1000, BatchSize = 64, LearningRate = 1e-3, MinLearningRate = 1e-4, WeightDecay = 0.1, Seed = 1 },
            }).Fit(input);
            return Trainer(pretrained).Fit(input);
        }

        private IEstimator<ITransformer> Trainer(ITransformer? baseModel)
        {
            var options = new TextClassificationOptions { TextColumnName = "Text", LabelColumnName = "Label", BaseModel = baseModel };
            return binary ? ml.BinaryClassification.Trainers.TransformerClassifier(options) : ml.MulticlassClassification.Trainers.TransformerClassifier(options);
        }
    }
}
