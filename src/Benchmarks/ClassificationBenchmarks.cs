using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Classification quality on real data, next to ML.NET's standard text pipeline (FeaturizeText + SDCA) trained and
/// scored in the same run: banking77 (77 intents) and UCI yelp sentiment (binary, seeded 80/20 split).
/// </summary>
internal sealed class ClassificationBenchmarks : IBenchmark
{
    public string Name => "classify";

    public string Description => "banking77 and yelp: Transformer classifier vs FeaturizeText + SDCA (accuracy, macro-F1, AUC, train seconds)";

    public void Run(BenchmarkArgs args)
    {
        string only = args.String("dataset", "all");
        if (only is "all" or "banking77") Banking77(args);
        if (only is "all" or "yelp") Yelp(args);
    }

    internal static TransformerClassifierOptions Options(BenchmarkArgs args, int epochs) => new()
    {
        TextColumnName = "Text",
        LabelColumnName = "Label",
        Model = new ModelOptions
        {
            VocabularySize = 1,
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

    private static void Banking77(BenchmarkArgs args)
    {
        var ml = new MLContext(1);
        ml.Log += (_, e) => { if (e.Source.Contains("TextClassification", StringComparison.Ordinal) && args.Has("verbose")) Console.WriteLine(e.Message); };
        var train = SharedData.Banking77(ml, args.DataDir, "train.csv");
        var test = SharedData.Banking77(ml, args.DataDir, "test.csv");
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label", "Category");

        var standard = toKey.Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());
        Report("banking77", "featurize-sdca", ml, standard, train, test);

        var transformer = toKey.Append(ml.MulticlassClassification.Trainers.TransformerClassifier(Options(args, epochs: 20)));
        Report("banking77", "transformer", ml, transformer, train, test);
    }

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

    private static void Yelp(BenchmarkArgs args)
    {
        var ml = new MLContext(1);
        var split = ml.Data.TrainTestSplit(SharedData.Sentiment(ml, args.DataDir, "yelp_labelled.txt"), testFraction: 0.2, seed: 1);

        var standard = ml.Transforms.Text.FeaturizeText("Features", "Text").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression());
        ReportBinary("yelp", "featurize-sdca", ml, standard, split.TrainSet, split.TestSet);

        var options = Options(args, epochs: args.Int("yelp-epochs", 15));
        options.Tokenizer.VocabularySize = 2000;
        options.Training.WarmupSteps = 50;
        ReportBinary("yelp", "transformer", ml, ml.BinaryClassification.Trainers.TransformerClassifier(options), split.TrainSet, split.TestSet);
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
}
