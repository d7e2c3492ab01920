using System.Diagnostics;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Serving soak: a small classifier is trained on generated texts, saved, loaded once; then --threads threads, each
/// with its own PredictionEngine, make --predictions predictions each. Prints throughput, p50/p99 latency and the
/// resident set before and after, and libtorch's intra-op thread count. --policy on|off sets the serving thread policy
/// (<see cref="ServingThreads"/>; the library's default when not given), so that the two can be compared run against run.
/// </summary>
internal sealed class ServingSoakBenchmark : IBenchmark
{
    public string Name => "soak";

    public string Description => "serving soak: N threads x M predictions on one loaded classifier (throughput, p50/p99, RSS; --policy on|off)";

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }

    public void Run(BenchmarkArgs args)
    {
        int threads = args.Int("threads", 8), predictions = args.Int("predictions", 10_000);
        string policy = args.String("policy", ServingThreads.OneThreadPerPrediction ? "on" : "off");
        ServingThreads.OneThreadPerPrediction = policy switch
        {
            "on" => true,
            "off" => false,
            _ => throw new ArgumentException($"--policy must be 'on' or 'off', not '{policy}'."),
        };
        var ml = new MLContext(1);
        var rows = Rows(2000, new Random(1));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(new TextClassificationOptions
            {
                Model = new ModelOptions { ModelDimension = 64, Heads = 4, EncoderLayers = 2, DecoderLayers = 0, FeedForwardDimension = 256, MaxLength = 64 },
                Tokenizer = new TokenizerOptions { VocabularySize = 1000, MaxLength = 48 },
                Training = new TrainingOptions { Epochs = 1, BatchSize = 32, LogEveryNSteps = 1000 },
            }));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(rows));
        string path = Path.Combine(Path.GetTempPath(), $"soak-{Environment.ProcessId}.zip");
        ml.Model.Save(model, null, path);
        var served = new MLContext(2).Model.Load(path, out _);
        File.Delete(path);

        var texts = Rows(1000, new Random(2)).Select(r => r.Text).ToArray();
        GC.Collect();
        double rssStart = ReferenceSetup.ResidentMegabytes();
        var latencies = new double[threads][];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(served);
            var own = latencies[t] = new double[predictions];
            for (int i = 0; i < predictions; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var p = engine.Predict(new Row { Text = texts[(i * threads + t) % texts.Length] });
                own[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!float.IsFinite(p.Score[0])) throw new InvalidOperationException("A score is not finite.");
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        double seconds = clock.Elapsed.TotalSeconds;
        GC.Collect();
        double rssEnd = ReferenceSetup.ResidentMegabytes();
        var all = latencies.SelectMany(l => l).OrderBy(x => x).ToArray();
        Result.Print("soak", ("policy", policy), ("threads", threads), ("predictions", (long)threads * predictions),
            ("per_s", all.Length / seconds), ("p50_ms", all[all.Length / 2]), ("p99_ms", all[(int)(all.Length * 0.99)]),
            ("rss_start_mb", rssStart), ("rss_end_mb", rssEnd), ("main_thread_torch_threads", TorchSharp.torch.get_num_threads()));
    }

    private static Row[] Rows(int count, Random random)
    {
        string[] labels = ["card", "loan", "travel", "refund"];
        string[] filler = ["please", "help", "my", "the", "account", "today", "again", "why", "is", "not", "working", "bank"];
        return Enumerable.Range(0, count).Select(_ =>
        {
            string label = labels[random.Next(labels.Length)];
            var words = Enumerable.Range(0, random.Next(4, 20)).Select(_ => filler[random.Next(filler.Length)]).ToList();
            words.Insert(random.Next(words.Count), label);
            return new Row { Text = string.Join(' ', words), Label = label };
        }).ToArray();
    }
}
