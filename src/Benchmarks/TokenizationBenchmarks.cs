using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Tokenizer throughput on real text: byte-level, learned BPE (8,000 entries, learned from the same data) and GPT-2.
/// One warm-up pass, then the median of --repeats timed passes, single-threaded.
/// </summary>
internal sealed class TokenizationBenchmarks : IBenchmark
{
    public string Name => "tokenize";

    public string Description => "tokenizer throughput (bytes, learned BPE, GPT-2) on banking77 and tiny-shakespeare";

    public void Run(BenchmarkArgs args)
    {
        int repeats = args.Int("repeats", 3);
        int vocabulary = args.Int("vocab", 8000);
        var datasets = new (string Name, string[] Lines)[]
        {
            ("banking77", Banking77(Path.Combine(args.DataDir, "banking77", "train.csv"))),
            ("tiny-shakespeare", File.ReadAllLines(Path.Combine(args.DataDir, "tiny-shakespeare", "input.txt")).Where(l => l.Length > 0).ToArray()),
        };
        foreach (var (dataset, lines) in datasets)
        {
            var sw = Stopwatch.StartNew();
            var bpe = TextTokenizer.Learn(lines, vocabulary, sampleRows: 50_000, seed: 1);
            sw.Stop();
            Result.Print("bpe_learn", ("dataset", dataset), ("rows", lines.Length), ("vocab", bpe.BaseVocabularySize),
                ("seconds", sw.Elapsed.TotalSeconds));
            foreach (var (name, tok) in new[] { ("bytes", TextTokenizer.Bytes()), ("bpe", bpe), ("gpt2", TextTokenizer.Gpt2()) })
                Measure(name, dataset, tok, lines, repeats);
        }
    }

    private static void Measure(string name, string dataset, TextTokenizer tok, string[] lines, int repeats)
    {
        long bytes = lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l));
        long tokens = Encode(tok, lines); // warm-up
        var seconds = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            Encode(tok, lines);
            seconds.Add(sw.Elapsed.TotalSeconds);
        }
        double s = Result.Median(seconds);
        Result.Print("tokenize", ("tokenizer", name), ("dataset", dataset), ("tokens_per_s", tokens / s),
            ("mb_per_s", bytes / s / 1e6), ("tokens_per_byte", (double)tokens / bytes));
    }

    private static long Encode(TextTokenizer tok, string[] lines)
    {
        long n = 0;
        foreach (string line in lines) n += tok.Encode(line).Length;
        return n;
    }

    /// <summary>The text column of banking77 through ML.NET's loader (quoted fields, header) and the library's RowReader.</summary>
    private static string[] Banking77(string path)
    {
        var ml = new MLContext(seed: 1);
        // Some quoted texts span lines ("\nI can't seem to..."): without ReadMultilines ML.NET mis-reads those rows.
        var data = ml.Data.LoadFromTextFile(path, new TextLoader.Options
        {
            Columns = [new TextLoader.Column("text", DataKind.String, 0)],
            Separators = [','],
            HasHeader = true,
            AllowQuoting = true,
            ReadMultilines = true,
        });
        return new RowReader(data, "text").Read().Select(r => r.Text).ToArray();
    }
}
