using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Banking77 intent classification with ML.NET's SdcaMaximumEntropy on two feature sets in one run: Transformer
/// embeddings of a base model (<c>--base model.zip</c>; without it, one trained here, see <see cref="BaseModel"/>)
/// and FeaturizeText n-grams. Then the nearest test texts (cosine) of three queries, as a sanity check of the vectors.
/// </summary>
internal sealed class EmbeddingBenchmarks : IBenchmark
{
    private static readonly string[] Queries =
    [
        "I lost my card, what should I do?",
        "How long does a transfer from another country take?",
        "Why was I charged a fee when I took cash out of the ATM?",
    ];

    public string Name => "embeddings";

    public string Description => "banking77: SDCA on Transformer embeddings vs FeaturizeText + SDCA; cosine nearest neighbours";

    public void Run(BenchmarkArgs args)
    {
        var ml = new MLContext(seed: 1);
        var train = SharedData.Banking77(ml, args.DataDir, "train.csv");
        var test = SharedData.Banking77(ml, args.DataDir, "test.csv");
        bool normalize = args.String("normalize", "true") == "true";

        var (baseModel, baseName) = BaseModel(ml, train, test, args);
        var embeddings = ml.Transforms.Text.TransformerEmbeddings(new TextEmbeddingOptions
        {
            InputColumnName = "Text",
            OutputColumnName = "Features",
            BaseModel = baseModel,
            Normalize = normalize,
            MaxLength = args.Int("max-length", 64),
        });
        Evaluate(ml, train, test, "embeddings-sdca", baseName, embeddings);
        Evaluate(ml, train, test, "featurize-sdca", baseName, ml.Transforms.Text.FeaturizeText("Features", "Text"));
        NearestNeighbours(ml, test, baseModel);
    }

    /// <summary>
    /// The model whose network embeds: loaded from --base; otherwise trained here on the training texts, by
    /// --base-kind: "pretrained-mlm" (default; masked-LM pretraining, labels unseen) or "classifier" (a supervised
    /// encoder: its embeddings have seen the labels). --save writes it as a zip for later --base runs.
    /// </summary>
    private static (ITransformer Model, string Name) BaseModel(MLContext ml, IDataView train, IDataView test, BenchmarkArgs args)
    {
        if (args.Has("base"))
            return (ml.Model.Load(args.String("base", ""), out _), args.String("base-name", "pretrained"));
        string kind = args.String("base-kind", "pretrained-mlm");
        var sw = Stopwatch.StartNew();
        ITransformer model = kind switch
        {
            "pretrained-mlm" => Pretrain(ml, train, args),
            "classifier" => Classifier(ml, train, test, args),
            _ => throw new ArgumentException($"--base-kind must be pretrained-mlm or classifier; got '{kind}'."),
        };
        Console.WriteLine($"{kind} base: fitted in {sw.Elapsed.TotalSeconds:F0} s");
        if (TrainingCurves.Find(model) is { } history)
        {
            Console.WriteLine($"training curve: {history.Records.Count} steps, final smoothed loss {history.Records[^1].SmoothedLoss:F4}");
            if (args.Has("curve")) TrainingCurves.Save(model, args.String("curve", "base-curve"), $"banking77 {kind}");
        }
        if (args.Has("save")) ml.Model.Save(model, train.Schema, args.String("save", "base.zip"));
        return (model, kind);
    }

    private static ModelOptions Network(BenchmarkArgs args) => new()
    {
        ModelDimension = args.Int("dim", 128),
        Heads = 4,
        EncoderLayers = args.Int("layers", 2),
        DecoderLayers = 0,
        FeedForwardDimension = 4 * args.Int("dim", 128),
        Activation = Activation.Gelu,
        PositionalEncoding = PositionalEncoding.Learned,
        MaxLength = 128,
    };

    private static TrainingOptions Training(BenchmarkArgs args) => new()
    {
        Epochs = args.Int("epochs", 8), BatchSize = 32, LearningRate = args.Double("lr", 1e-3), WarmupSteps = 100, Seed = 1,
        LogEveryNSteps = 100,
    };

    /// <summary>Masked-LM pretraining of an encoder on the training texts alone (the categories are never read).</summary>
    private static ITransformer Pretrain(MLContext ml, IDataView train, BenchmarkArgs args) =>
        ml.Transforms.Text.TransformerPretrainer(new TextPretrainingOptions
        {
            TextColumnName = "Text",
            Objective = PretrainingObjective.MaskedLanguageModel,
            Model = Network(args),
            Tokenizer = new TokenizerOptions { VocabularySize = args.Int("vocab", 4000), MaxLength = args.Int("max-length", 64) },
            Training = Training(args),
        }).Fit(train);

    /// <summary>A Transformer classifier trained on the training set; its own test accuracy is printed for reference.</summary>
    private static ITransformer Classifier(MLContext ml, IDataView train, IDataView test, BenchmarkArgs args)
    {
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label", "Category")
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(new TextClassificationOptions
            {
                TextColumnName = "Text",
                LabelColumnName = "Label",
                Model = Network(args),
                Tokenizer = new TokenizerOptions { VocabularySize = args.Int("vocab", 4000), MaxLength = args.Int("max-length", 64) },
                Training = Training(args),
            }))
            .Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(classifier.Transform(test));
        Result.Print("embeddings", ("dataset", "banking77"), ("base", "classifier"), ("model", "transformer-classifier"),
            ("accuracy", metrics.MicroAccuracy), ("macro_f1", MacroF1(metrics)));
        return classifier;
    }

    private static void Evaluate(MLContext ml, IDataView train, IDataView test, string name, string baseName, IEstimator<ITransformer> features)
    {
        var sw = Stopwatch.StartNew();
        var model = features
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Category"))
            .AppendCacheCheckpoint(ml)   // features computed once, not on every pass SDCA makes over the data
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features"))
            .Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Result.Print("embeddings", ("dataset", "banking77"), ("base", baseName), ("model", name), ("accuracy", metrics.MicroAccuracy),
            ("macro_f1", MacroF1(metrics)), ("fit_seconds", sw.Elapsed.TotalSeconds));
    }

    /// <summary>The mean over classes of F1 = 2 TP / (2 TP + FP + FN), from ML.NET's confusion matrix (rows: truth).</summary>
    private static double MacroF1(MulticlassClassificationMetrics metrics)
    {
        var counts = metrics.ConfusionMatrix.Counts;
        int n = counts.Count;
        double sum = 0;
        for (int c = 0; c < n; c++)
        {
            double tp = counts[c][c];
            double fn = counts[c].Sum() - tp;
            double fp = Enumerable.Range(0, n).Sum(r => counts[r][c]) - tp;
            sum += tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
        }
        return sum / n;
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Category { get; set; } = "";
        public float[] Features { get; set; } = [];
    }

    /// <summary>The five test texts closest (cosine of unit-length embeddings) to each query.</summary>
    private static void NearestNeighbours(MLContext ml, IDataView test, ITransformer baseModel)
    {
        var embed = ml.Transforms.Text.TransformerEmbeddings(new TextEmbeddingOptions
        {
            InputColumnName = "Text", OutputColumnName = "Features", BaseModel = baseModel, Normalize = true,
        }).Fit(test);
        var rows = ml.Data.CreateEnumerable<Row>(embed.Transform(test), reuseRowObject: false).ToArray();
        var engine = ml.Model.CreatePredictionEngine<Row, Row>(embed, ignoreMissingColumns: true);
        foreach (string query in Queries)
        {
            float[] q = engine.Predict(new Row { Text = query }).Features;
            Console.WriteLine($"nearest neighbours of \"{query}\":");
            foreach (var (row, cosine) in rows.Select(r => (r, Dot(q, r.Features))).OrderByDescending(p => p.Item2).Take(5))
                Console.WriteLine($"  {cosine:F3}  [{row.Category}] {row.Text.ReplaceLineEndings(" ")}");
        }
    }

    private static float Dot(float[] a, float[] b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
