using System.Diagnostics;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Per-row tokenization latency against text length (1 kB to 10 MB) for each tokenizer kind and three hostile shapes:
/// letters with no spaces, one repeated character, random UTF-16 code units. Each row keeps --max-length ids of the
/// side --side names, as a model input does. --before also times the whole-text encoding then cut (the cost before
/// bounded encoding) for texts up to --before-limit characters; --whole times plain Encode of the whole text (what
/// pretraining's packed stream and scoring read), which goes in pieces too. --kind, --shape and --longest narrow the run.
/// </summary>
internal sealed class LongTextBenchmarks : IBenchmark
{
    public string Name => "longtext";

    public string Description => "per-row tokenization latency vs text length (1 kB-10 MB) per tokenizer kind and hostile shape";

    public void Run(BenchmarkArgs args)
    {
        int maxLength = args.Int("max-length", 32);
        int repeats = args.Int("repeats", 5);
        int beforeLimit = args.Int("before-limit", 1_000_000);
        var side = args.Has("tail") ? TruncationSide.KeepTail : TruncationSide.KeepHead;
        var random = new Random(1);
        var learned = TextTokenizer.Learn(Words(random, 20_000), 2000, 20_000, seed: 1);
        var kinds = new (string Name, TextTokenizer Tokenizer)[]
        {
            ("bytes", TextTokenizer.Bytes()), ("learned-bpe", learned), ("gpt2", TextTokenizer.Gpt2()),
            ("bpe-files", TextTokenizer.FromBpeFiles(System.Text.Json.JsonSerializer.Serialize(ByteLevelBpe.VocabularyFromMerges(learned.Source.Merges!)),
                string.Join("\n", learned.Source.Merges!.Select(m => m.Left + " " + m.Right)))),
            ("custom", TextTokenizer.FromTokenizer(Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt2"))),
        };
        string? onlyKind = args.Has("kind") ? args.String("kind", "") : null, onlyShape = args.Has("shape") ? args.String("shape", "") : null;
        int longest = args.Int("longest", 10_000_000);
        foreach (int length in new[] { 1_000, 10_000, 100_000, 1_000_000, 10_000_000 }.Where(l => l <= longest))
        {
            foreach (var (shape, text) in Shapes(random, length).Where(s => onlyShape is null || s.Shape == onlyShape))
            {
                foreach (var (kind, tok) in kinds.Where(k => onlyKind is null || k.Name == onlyKind))
                {
                    double after = Time(() => tok.Encode(text, maxLength, side), repeats);
                    Result.Print("longtext", ("kind", kind), ("shape", shape), ("chars", length), ("max_length", maxLength),
                        ("side", side), ("ms_per_row", after * 1e3));
                    if (args.Has("before") && length <= beforeLimit)
                    {
                        double before = Time(() => Cut(tok.EncodeWhole(text), maxLength, side), 1);
                        Result.Print("longtext_before", ("kind", kind), ("shape", shape), ("chars", length), ("max_length", maxLength),
                            ("side", side), ("ms_per_row", before * 1e3));
                    }
                    if (args.Has("whole"))
                    {
                        double whole = Time(() => tok.Encode(text), 1);
                        Result.Print("longtext_whole", ("kind", kind), ("shape", shape), ("chars", length), ("ms_per_row", whole * 1e3));
                    }
                }
            }
        }
    }

    private static int[] Cut(int[] ids, int keep, TruncationSide side) =>
        ids.Length <= keep ? ids : side == TruncationSide.KeepHead ? ids[..keep] : ids[^keep..];

    /// <summary>Median seconds of <paramref name="repeats"/> calls after one warm-up call.</summary>
    private static double Time(Func<int[]> encode, int repeats)
    {
        encode();
        var seconds = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            encode();
            seconds.Add(sw.Elapsed.TotalSeconds);
        }
        return Result.Median(seconds);
    }

    private static IEnumerable<(string Shape, string Text)> Shapes(Random random, int length)
    {
        yield return ("no-spaces", new string(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray()));
        yield return ("one-char", new string('a', length));
        yield return ("random-units", new string(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x10000)).ToArray()));
    }

    /// <summary>Sentences of random short words, to learn a BPE from.</summary>
    private static IEnumerable<string> Words(Random random, int rows)
    {
        for (int r = 0; r < rows; r++)
            yield return string.Join(' ', Enumerable.Range(0, random.Next(3, 20))
                .Select(_ => new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray())));
    }
}
