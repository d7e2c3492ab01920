using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Sentence-pair similarity derived from the E2E NLG references: two references are as similar as their meaning
/// representations overlap (5 × shared slot values / all slot values of the two). Pairs are drawn a third each from
/// the same meaning representation (5), the same restaurant name (graded) and at random (mostly low), from devset.csv
/// for training and testset_w_refs.csv for testing. The Transformer regressor over the pair is set beside
/// FeaturizeText over each text + SDCA.
/// </summary>
internal sealed class SimilarityBenchmark : IBenchmark
{
    public string Name => "similarity";

    public string Description => "E2E-derived sentence-pair similarity: Transformer regressor vs FeaturizeText + SDCA (Pearson, Spearman, RMSE, train seconds, scoring rows/s)";

    internal sealed class Row
    {
        public string First { get; set; } = "";
        public string Second { get; set; } = "";
        public float Label { get; set; }
    }

    public void Run(BenchmarkArgs args)
    {
        var ml = new MLContext(1);
        string dir = Path.Combine(args.DataDir, "e2e-nlg");
        var train = ml.Data.LoadFromEnumerable(Derive(E2eData.Pairs(ml, Path.Combine(dir, "devset.csv")), args.Int("train-pairs", 6000), seed: 1));
        var test = ml.Data.LoadFromEnumerable(Derive(E2eData.Pairs(ml, Path.Combine(dir, "testset_w_refs.csv")), args.Int("test-pairs", 2000), seed: 2));

        var standard = ml.Transforms.Text.FeaturizeText("FirstFeatures", "First")
            .Append(ml.Transforms.Text.FeaturizeText("SecondFeatures", "Second"))
            .Append(ml.Transforms.Concatenate("Features", "FirstFeatures", "SecondFeatures"))
            .Append(ml.Regression.Trainers.Sdca());
        Report("featurize-sdca", ml, standard, train, test);
        Report("transformer", ml, ml.Regression.Trainers.TransformerRegressor(Options(args)), train, test);
    }

    /// <summary>Pairs of references with their meaning representations' overlap as the label.</summary>
    internal static Row[] Derive(E2eData.Pair[] rows, int count, int seed)
    {
        var rng = new Random(seed);
        var byMr = rows.GroupBy(r => r.Source).ToDictionary(g => g.Key, g => g.ToArray());
        var byName = rows.GroupBy(r => RestaurantName(r.Source)).ToDictionary(g => g.Key, g => g.ToArray());
        var pairs = new Row[count];
        for (int i = 0; i < count; i++)
        {
            var a = rows[rng.Next(rows.Length)];
            var pool = (i % 3) switch { 0 => byMr[a.Source], 1 => byName[RestaurantName(a.Source)], _ => rows };
            var b = pool[rng.Next(pool.Length)];
            pairs[i] = new Row { First = a.Target, Second = b.Target, Label = Overlap(a.Source, b.Source) };
        }
        return pairs;
    }

    private static string RestaurantName(string mr) => E2eData.Slots(mr).FirstOrDefault(s => s.Slot == "name").Value ?? "";

    /// <summary>5 × |shared slot values| / |slot values of either|.</summary>
    internal static float Overlap(string a, string b)
    {
        var x = E2eData.Slots(a).Select(s => s.Slot + "=" + s.Value).ToHashSet();
        var y = E2eData.Slots(b).Select(s => s.Slot + "=" + s.Value).ToHashSet();
        int union = x.Union(y).Count();
        return union == 0 ? 0 : 5f * x.Intersect(y).Count() / union;
    }

    private static TextRegressionOptions Options(BenchmarkArgs args) => new()
    {
        TextColumnName = "First",
        SecondTextColumnName = "Second",
        Model = new ModelOptions
        {
            ModelDimension = args.Int("dim", 128),
            Heads = 4,
            EncoderLayers = args.Int("layers", 2),
            DecoderLayers = 0,
            FeedForwardDimension = 4 * args.Int("dim", 128),
            Activation = Activation.Gelu,
            PositionalEncoding = PositionalEncoding.Learned,
            MaxLength = 128,
        },
        Tokenizer = new TokenizerOptions { VocabularySize = args.Int("vocab", 2000), MaxLength = 128 },
        Training = NerBenchmark.Training(args),
        HeadDropout = 0.1,
    };

    private static void Report(string name, MLContext ml, IEstimator<ITransformer> pipeline, IDataView train, IDataView test)
    {
        var sw = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double trainSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var scored = ml.Data.CreateEnumerable<Scored>(model.Transform(test), reuseRowObject: false).ToArray();
        double scoreSeconds = sw.Elapsed.TotalSeconds;
        var correlation = CorrelationMetrics.Compute(scored.Select(s => (double)s.Label).ToArray(), scored.Select(s => (double)s.Score).ToArray());
        var metrics = ml.Regression.Evaluate(model.Transform(test));
        Result.Print("similarity", ("model", name), ("pearson", correlation.Pearson), ("spearman", correlation.Spearman),
            ("rmse", metrics.RootMeanSquaredError), ("r2", metrics.RSquared), ("train_seconds", trainSeconds),
            ("score_rows_per_s", scored.Length / scoreSeconds), ("test_pairs", scored.Length));
    }

    private sealed class Scored
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }
}
