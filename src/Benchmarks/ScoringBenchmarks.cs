using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// What ML.NET costs on top of the network when scoring: rows/s through <c>Transform</c> against the same model's
/// raw batched forward pass over the same rows and batches, alternating; then the process's memory over a long
/// streamed scoring run (10k and 100k rows). The weights are untrained: speed does not depend on them.
/// </summary>
internal sealed class ScoringBenchmarks : IBenchmark
{
    public string Name => "scoring";

    public string Description => "ML.NET Transform vs raw batched forward (rows/s, --repeats 5; 0 skips it), memory over 100k scored rows (--rows)";

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public void Run(BenchmarkArgs args)
    {
        torch.set_num_threads(args.Int("threads", 2));
        int repeats = args.Int("repeats", 5);
        var ml = new MLContext(1);
        var (texts, model, tokenizer, settings, transformer) = Classifier(ml, args);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t }).ToArray());

        Console.WriteLine(MemoryManagement.Description);
        if (repeats > 0)
            Overhead(model, tokenizer, settings, texts, transformer, data, repeats);
        Memory(ml, transformer, texts, args.Int("rows", 100_000));
    }

    /// <summary>
    /// The classifier the scoring benchmarks serve: banking77's test texts, a BPE learned on them, the classify
    /// benchmark's network (<c>--dim</c>, <c>--layers</c>) with untrained weights, 77 classes.
    /// </summary>
    internal static (string[] Texts, ClassifierModel Model, TextTokenizer Tokenizer, ClassifierSettings Settings, TextClassificationTransformer Transformer)
        Classifier(MLContext ml, BenchmarkArgs args)
    {
        string[] texts = ml.Data.CreateEnumerable<SharedData.TextCategory>(SharedData.Banking77(ml, args.DataDir, "test.csv"), false)
            .Select(r => r.Text).ToArray();
        var tokenizer = TextTokenizer.Learn(texts, 4000, 50_000, seed: 1);
        var options = ClassificationBenchmarks.Options(args, epochs: 1).Model! with { VocabularySize = tokenizer.VocabularySize };
        var model = new ClassifierModel(new TextNetwork(options), classes: 77, Pooling.Mean, dropout: 0);
        var settings = new ClassifierSettings("Text", null, 96, TruncationSide.KeepHead, ScoringBatchSize: 64);
        var names = Enumerable.Range(0, 77).Select(i => "c" + i).ToArray();
        return (texts, model, tokenizer, settings, new TextClassificationTransformer(ml, model, tokenizer, new ClassLabels(names, binary: false), settings));
    }

    /// <summary>Rows/s through <c>Transform</c> and through the raw forward pass, alternating, medians.</summary>
    private static void Overhead(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings, string[] texts,
        ITransformer transformer, IDataView data, int repeats)
    {
        Raw(model, tokenizer, settings, texts); // warm-up
        Mlnet(transformer, data);
        var raw = new List<double>();
        var mlnet = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            raw.Add(Raw(model, tokenizer, settings, texts));
            mlnet.Add(Mlnet(transformer, data));
        }
        double rawMedian = Result.Median(raw), mlnetMedian = Result.Median(mlnet);
        Result.Print("scoring_overhead", ("rows", texts.Length), ("raw_rows_per_s", rawMedian), ("transform_rows_per_s", mlnetMedian),
            ("ratio", mlnetMedian / rawMedian));
    }

    /// <summary>The network alone: the same batches of 64 in order, as the scorer makes them.</summary>
    private static double Raw(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings, string[] texts)
    {
        var sw = Stopwatch.StartNew();
        var encoder = new SequenceEncoder(tokenizer, BatchLayout.Single, settings.MaxLength, settings.Truncation);
        var batcher = new Batcher(encoder, new BatcherOptions { BatchSize = settings.ScoringBatchSize, Bucketing = false });
        float checksum = 0;
        foreach (var batch in batcher.Batches(texts.Select((t, i) => new TextRow(i, t))))
        {
            using (batch)
            using (NewDisposeScope())
            using (no_grad())
            {
                var probabilities = model.forward(batch.Ids, batch.PaddingMask).softmax(-1).cpu();
                checksum += probabilities.data<float>()[0];
            }
        }
        return texts.Length / sw.Elapsed.TotalSeconds + checksum * 0;
    }

    private static double Mlnet(ITransformer transformer, IDataView data)
    {
        var sw = Stopwatch.StartNew();
        var scored = transformer.Transform(data);
        using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "PredictedLabel"));
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        VBuffer<float> value = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            score(ref value);
            rows++;
        }
        return rows / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Scores a lazily generated stream of rows and reports the resident memory at 10k and at the end.</summary>
    private static void Memory(MLContext ml, ITransformer transformer, string[] texts, int rows)
    {
        var stream = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Row { Text = texts[i % texts.Length] }));
        var scored = transformer.Transform(stream);
        using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name == "Score"));
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        VBuffer<float> value = default;
        long n = 0;
        double at10k = 0, atHalf = 0;
        while (cursor.MoveNext())
        {
            score(ref value);
            if (++n == 10_000)
                at10k = Rss();
            if (n == rows / 2)
                atHalf = Rss();
        }
        Result.Print("scoring_memory", ("rows", n), ("rss_mb_at_10k", at10k), ("rss_mb_at_half", atHalf), ("rss_mb_at_end", Rss()),
            ("peak_rss_mb", Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0), ("live_tensors", torch.Tensor.TotalCount));
    }

    private static double Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }
}
