using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Generation speed through the ML.NET transformer end to end (IDataView in, Transform, text out) on the reference
/// configuration of shared/bench/README.md: vocabulary 8,000 (a BPE learned from tiny-shakespeare), width 256, 4
/// heads, 3 + 3 layers, feed-forward 1,024, ReLU, post-norm; 32 sources of 38–64 tokens; 64 new tokens per source.
/// Random weights; the end token's logit bias is set to -1e9 so every row runs all 64 tokens, as the peer's loop does.
/// Tokens per second count the 32 × 64 tokens of the output (beam search computes 4 × as many).
/// </summary>
internal sealed class GenerateMlnetBenchmark : IBenchmark
{
    private const int Batch = 32, SourceLength = 64, NewTokens = 64;

    public string Name => "generate-mlnet";

    public string Description => "ML.NET text generator speed, reference configuration: greedy, beam 4, sampling (tokens/s; --repeats 5, --decodings greedy,beam4,sampling, --precision fp32|bf16, --overhead, --threads 2, --warmup 5 seconds, --verbose)";

    public void Run(BenchmarkArgs args)
    {
        ReferenceSetup.Threads(args);
        int repeats = args.Int("repeats", 5);
        var ml = new MLContext(seed: 1);
        var shakespeare = File.ReadAllLines(Path.Combine(args.DataDir, "tiny-shakespeare", "input.txt")).Where(l => l.Length > 0).ToArray();
        var tokenizer = TextTokenizer.Learn(shakespeare, vocabularySize: 8000 - 7, sampleRows: 50_000, seed: 1);
        var network = Network(tokenizer.VocabularySize);
        var settings = new GeneratorSettings("Source", "Target", "Generated", null, SourceLength, SourceLength, TruncationSide.KeepHead, Batch);
        // --precision bf16: the generator decodes with its bfloat16 copy of the network (DecodingOptions.Precision).
        var (precision, suffix) = args.String("precision", "fp32") switch
        {
            "fp32" => (Precision.Float32, ""),
            "bf16" => (Precision.BFloat16, "_bf16"),
            var other => throw new ArgumentException($"--precision: expected fp32 or bf16, found '{other}'."),
        };
        var model = new TextGenerationTransformer(ml, network, tokenizer, settings, new DecodingOptions { MaxNewTokens = NewTokens, Precision = precision });
        var sources = Sources(tokenizer, string.Join(' ', shakespeare), new Random(1));
        var data = ml.Data.LoadFromEnumerable(sources.Select(s => new Row { Source = s }));
        Console.WriteLine($"vocabulary {tokenizer.VocabularySize}, {network.ParameterCount:N0} parameters, {Batch} sources of " +
            $"{sources.Average(s => tokenizer.Encode(s).Length):F1} tokens on average, {NewTokens} new tokens, threads {torch.get_num_threads()}");

        if (args.Has("overhead"))
        {
            Overhead(args, ml, model, network, tokenizer, sources, data, repeats);
            return;
        }
        double greedy = 0;
        foreach (var (name, decoding) in new (string, DecodingOptions)[]
        {
            ("greedy", model.Decoding),
            ("beam4", model.Decoding with { Strategy = DecodingStrategy.Beam, BeamWidth = 4 }),
            ("sampling", model.Decoding with { Strategy = DecodingStrategy.Sampling, Seed = 1 }),
        })
        {
            if (!args.String("decodings", "greedy,beam4,sampling").Split(',').Contains(name)) continue;
            var generator = model.WithDecoding(decoding);
            ReferenceSetup.WarmUp(args, () => Generate(ml, generator, data));   // to the steady state, as `generate` does
            var rates = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                int rows = Generate(ml, generator, data);
                rates.Add(rows * NewTokens / clock.Elapsed.TotalSeconds);
                if (args.Has("verbose")) Console.WriteLine($"{name} repetition {r}: {rates[^1]:F0} tokens/s");
            }
            double median = Result.Median(rates);
            if (name == "greedy") greedy = median;
            Result.Print("generate_mlnet", ("impl", "torchsharp"), ("decoding", name + suffix), ("tokens_per_s", median),
                ("min", rates.Min()), ("max", rates.Max()), ("cost_vs_greedy", greedy / median));
        }
    }

    /// <summary>
    /// What the ML.NET layers cost, measured in one process so that the machine's drift between processes (up to ±20%
    /// here) cannot hide it: greedy decoding of the same 32 sources as a bare loop over the network (encode, cache,
    /// 64 greedy steps), through the library's generator (tokenising, the search with its per-step bookkeeping,
    /// detokenising; no log-probabilities, as Transform without their column), and through ML.NET's Transform;
    /// alternated after the same warm-up as the other modes, medians of the repetitions.
    /// </summary>
    private static void Overhead(BenchmarkArgs args, MLContext ml, TextGenerationTransformer model, TextNetwork network,
        TextTokenizer tokenizer, string[] sources, IDataView data, int repeats)
    {
        var ids = sources.Select(s => tokenizer.Encode(s).Select(i => (long)i).Append(tokenizer.Specials.End).ToArray()).ToArray(); // as the generator reads them
        int width = ids.Max(row => row.Length);
        long[] flat = ids.SelectMany(row => row.Concat(Enumerable.Repeat((long)tokenizer.Specials.Pad, width - row.Length))).ToArray();
        bool[] padding = ids.SelectMany(row => Enumerable.Range(0, width).Select(j => j >= row.Length)).ToArray();
        var generator = model.Generator;   // the three ways share one greedy selector, as they share one network

        void Bare()
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var source = torch.tensor(flat, [Batch, width]);
            var mask = torch.tensor(padding, [Batch, width]);
            using var cache = network.StartDecoding(network.Encode(source, mask), mask, Batch, NewTokens);
            var token = torch.full(Batch, (long)tokenizer.Specials.Begin);
            for (int i = 0; i < NewTokens; i++)
                token = torch.tensor(generator.Greedy.Next(network.StepHidden(token, cache)));   // [B]
        }
        var ways = new (string Name, Action Run)[]
        {
            ("bare", Bare),
            ("generator", () => generator.Generate(sources, model.Decoding, logProbabilities: false)),
            ("mlnet", () => Generate(ml, model, data)),
        };
        ReferenceSetup.WarmUp(args, () => { foreach (var way in ways) way.Run(); });
        var rates = ways.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repeats; r++)
            for (int w = 0; w < ways.Length; w++)
            {
                var clock = Stopwatch.StartNew();
                ways[w].Run();
                rates[w].Add(Batch * NewTokens / clock.Elapsed.TotalSeconds);
            }
        double bare = Result.Median(rates[0]);
        Result.Print("generate_mlnet_overhead", ("impl", "torchsharp"), ("bare_tokens_per_s", bare),
            ("generator_tokens_per_s", Result.Median(rates[1])), ("mlnet_tokens_per_s", Result.Median(rates[2])),
            ("mlnet_vs_bare", Result.Median(rates[2]) / bare));
    }

    /// <summary>Runs Transform and reads every generated text (the cursor generates as it goes).</summary>
    private static int Generate(MLContext ml, ITransformer model, IDataView data)
    {
        int rows = 0;
        foreach (var output in ml.Data.CreateEnumerable<Output>(model.Transform(data), reuseRowObject: false))
            rows += output.Generated is null ? 0 : 1;
        return rows;
    }

    /// <summary>The reference network with random weights, in evaluation mode, unable to end a row early.</summary>
    private static TextNetwork Network(int vocabulary)
    {
        torch.random.manual_seed(0);
        var network = new TextNetwork(new ModelOptions
        {
            VocabularySize = vocabulary, ModelDimension = 256, Heads = 4, EncoderLayers = 3, DecoderLayers = 3, FeedForwardDimension = 1024,
            Activation = Activation.Relu, NormPlacement = NormPlacement.PostNorm, MaxLength = 512,
        });
        network.eval();
        using (torch.no_grad())
        {
            var bias = network.named_parameters().Single(p => p.name == "head.bias").parameter;
            bias[new SpecialTokens().End] = torch.tensor(-1e9f);
        }
        return network;
    }

    /// <summary>Consecutive stretches of the text of 38–64 tokens (uniform, like the peer's 20% tail padding), with their end token.</summary>
    private static string[] Sources(TextTokenizer tokenizer, string text, Random random)
    {
        int[] ids = tokenizer.Encode(text[..200_000]);
        var sources = new string[Batch];
        for (int i = 0, start = 0; i < Batch; i++)
        {
            int length = random.Next((int)(0.6 * SourceLength), SourceLength + 1) - 1;
            sources[i] = tokenizer.Decode(ids.AsSpan(start, length));
            start += length;
        }
        return sources;
    }

    private sealed class Row
    {
        public string Source { get; set; } = "";
    }

    private sealed class Output
    {
        public string? Generated { get; set; }
    }
}
