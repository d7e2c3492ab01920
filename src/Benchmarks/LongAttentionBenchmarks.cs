using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>What the long-input benchmarks share: one small character model whose attention variant is the only change.</summary>
internal static class LongAttention
{
    public static readonly AttentionVariant[] Variants = [AttentionVariant.Full, AttentionVariant.SlidingWindow, AttentionVariant.Linear];

    /// <summary>A decoder-only byte model: 256 ids, d 128, 4 heads, 2 layers, no dropout (full attention then takes the fused kernel).</summary>
    public static ModelOptions Options(AttentionVariant variant, int maxLength, int window) => new()
    {
        VocabularySize = 256, ModelDimension = 128, Heads = 4, EncoderLayers = 0, DecoderLayers = 2, FeedForwardDimension = 512,
        EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        MaxLength = maxLength, TieEmbeddings = true, Attention = variant, AttentionWindow = window, GlobalTokens = 1,
    };

    public static TextNetwork Model(AttentionVariant variant, int maxLength, int window)
    {
        random.manual_seed(0);
        var model = new TextNetwork(Options(variant, maxLength, window));
        model.train();
        return model;
    }

    /// <summary>Next-byte loss of ids [B, T + 1]: predict ids[:, 1:] from ids[:, :-1].</summary>
    public static Tensor Loss(TextNetwork model, Tensor ids)
    {
        long t = ids.shape[1] - 1;
        var logits = model.Logits(model.Decode(ids.narrow(1, 0, t), null, null, null));   // [B, T, 256]
        return nn.functional.cross_entropy(logits.view(-1, 256), ids.narrow(1, 1, t).reshape(-1));
    }

    public static float TrainStep(TextNetwork model, optim.Optimizer optimizer, Tensor ids)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = Loss(model, ids);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}

/// <summary>
/// Time and peak memory of one training step versus sequence length, per attention variant, on the same model.
/// Peak memory is the rise of the process's peak resident set during the step: the kernel's high-water mark is reset
/// first (writing 5 to /proc/self/clear_refs). The library's own glibc setting (<see cref="MemoryManagement"/>) makes
/// glibc return freed tensors to the system; otherwise memory kept from an earlier, longer step would hide a later step's peak.
/// </summary>
internal sealed class LongAttentionBenchmark : IBenchmark
{
    public string Name => "long-attention";
    public string Description => "training-step time and peak RSS vs length per attention variant (--lengths 256,...,4096 --reps 2 --window 128 --batch 1 --threads 2)";

    public void Run(BenchmarkArgs args)
    {
        // On a shared, loaded machine one thread and the process's CPU time (cpu_s) say more than wall time (step_s).
        set_num_threads(args.Int("threads", 2));
        var lengths = args.String("lengths", "256,512,1024,2048,4096").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int reps = args.Int("reps", 2), window = args.Int("window", 128), batch = args.Int("batch", 1);
        TorchDevice.EnsureBackend();
        Console.WriteLine($"memory: {MemoryManagement.Description}  load {LongAttention.Load()}");
        var times = new Dictionary<(AttentionVariant, int), double>();
        var peaks = new Dictionary<(AttentionVariant, int), double>();
        foreach (var variant in LongAttention.Variants)
        {
            using var model = LongAttention.Model(variant, lengths.Max(), window);
            using var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
            foreach (int length in lengths)
            {
                using var ids = randint(0, 256, [batch, length + 1], generator: new Generator(1));
                LongAttention.TrainStep(model, optimizer, ids);                               // warm-up (and optimizer state)
                GC.Collect();
                File.WriteAllText("/proc/self/clear_refs", "5");                              // reset the peak to now
                double before = Status("VmRSS");
                var seconds = new List<double>();
                var cpu = new List<double>();
                using var process = Process.GetCurrentProcess();
                for (int r = 0; r < reps; r++)
                {
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    LongAttention.TrainStep(model, optimizer, ids);
                    seconds.Add(clock.Elapsed.TotalSeconds);
                    process.Refresh();
                    cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
                }
                double peak = Status("VmHWM") - before;
                times[(variant, length)] = Result.Median(cpu);
                peaks[(variant, length)] = peak;
                Result.Print("long_attention", ("variant", variant), ("length", length), ("batch", batch), ("window", window),
                    ("step_s", Result.Median(seconds)), ("cpu_s", Result.Median(cpu)), ("peak_rss_delta_mb", peak), ("load", LongAttention.Load()));
            }
        }
        foreach (var variant in LongAttention.Variants)
        {
            // Growth exponent of CPU time between the two longest lengths: 2 is quadratic, 1 linear.
            int a = lengths[^2], b = lengths[^1];
            double exponent = Math.Log(times[(variant, b)] / times[(variant, a)]) / Math.Log((double)b / a);
            double memoryExponent = Math.Log(Math.Max(peaks[(variant, b)], 1) / Math.Max(peaks[(variant, a)], 1)) / Math.Log((double)b / a);
            if (variant == AttentionVariant.Full)
            {
                Result.Print("long_attention_growth", ("variant", variant), ("time_exponent", exponent), ("memory_exponent", memoryExponent));
                continue;
            }
            string Cheaper(Dictionary<(AttentionVariant, int), double> cost) =>
                lengths.FirstOrDefault(l => cost[(variant, l)] < cost[(AttentionVariant.Full, l)]) is int l and > 0 ? l.ToString(CultureInfo.InvariantCulture) : "never";
            Result.Print("long_attention_growth", ("variant", variant), ("time_exponent", exponent), ("memory_exponent", memoryExponent),
                ("time_cheaper_from", Cheaper(times)), ("memory_cheaper_from", Cheaper(peaks)));
        }
    }

    // A field of /proc/self/status in MiB.
    private static double Status(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }
}

/// <summary>
/// Quality at equal compute budget: the same byte-level model trained on tiny-shakespeare at context 512 with each
/// attention variant, the same number of steps on the same batches, then the same validation batches.
/// </summary>
internal sealed class LongQualityBenchmark : IBenchmark
{
    public string Name => "long-quality";
    public string Description => "tiny-shakespeare validation loss per attention variant at context 512 (--steps 150 --batch 8 --window 64 --eval 8)";

    public void Run(BenchmarkArgs args)
    {
        set_num_threads(args.Int("threads", 2));
        int context = args.Int("context", 512), steps = args.Int("steps", 150), batch = args.Int("batch", 8);
        int window = args.Int("window", 64), evalBatches = args.Int("eval", 8);
        // Bytes are the ids (a byte-level tokenizer without special tokens); the last 10% of the text validates.
        var bytes = File.ReadAllBytes(Path.Combine(args.DataDir, "tiny-shakespeare", "input.txt"));
        using var data = tensor(bytes.Select(b => (long)b).ToArray());
        long split = data.shape[0] * 9 / 10;
        using var train = data.narrow(0, 0, split);
        using var validation = data.narrow(0, split, data.shape[0] - split);
        foreach (var variant in LongAttention.Variants)
        {
            using var model = LongAttention.Model(variant, context, window);
            using var optimizer = optim.AdamW(model.parameters(), lr: 2e-3);
            var batches = new Generator(2);                                                   // the same batches for every variant
            var clock = Stopwatch.StartNew();
            float loss = 0;
            for (int step = 1; step <= steps; step++)
            {
                using var scope = NewDisposeScope();
                loss = LongAttention.TrainStep(model, optimizer, Windows(train, batch, context, batches));
                if (step % 25 == 0) Console.WriteLine($"{variant} step {step} train loss {loss:F3} {clock.Elapsed.TotalSeconds:F0} s load {LongAttention.Load()}");
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            model.eval();
            double sum = 0;
            var fixedValidation = new Generator(3);
            using (no_grad())
                for (int i = 0; i < evalBatches; i++)
                {
                    using var scope = NewDisposeScope();
                    sum += LongAttention.Loss(model, Windows(validation, batch, context, fixedValidation)).item<float>();
                }
            Result.Print("long_quality", ("variant", variant), ("context", context), ("window", window), ("steps", steps), ("batch", batch),
                ("train_loss", loss), ("val_loss", sum / evalBatches), ("train_s", trainSeconds), ("load", LongAttention.Load()));
        }
    }

    // batch random windows of context + 1 bytes: [B, context + 1].
    private static Tensor Windows(Tensor text, int batch, int context, Generator generator)
    {
        var starts = randint(0, text.shape[0] - context - 1, [batch], generator: generator);
        var offsets = arange(context + 1).unsqueeze(0);                                       // [1, C + 1]
        return text.index_select(0, (starts.unsqueeze(1) + offsets).reshape(-1)).view(batch, context + 1);
    }
}
