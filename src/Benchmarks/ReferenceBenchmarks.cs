using System.Diagnostics;
using Microsoft.ML.Transformer.Modeling;
using GreedySelector = Microsoft.ML.Transformer.Generation.GreedySelector;
using TorchSharp;
using static Microsoft.ML.Transformer.Benchmarks.ReferenceSetup;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>Peak matrix-product speed, the yardstick for model FLOP utilisation.</summary>
internal sealed class MatmulBenchmark : IBenchmark
{
    public string Name => "matmul";
    public string Description => "2048^3 matrix product, float32 and bfloat16 (--reps, default 10)";

    public void Run(BenchmarkArgs args)
    {
        Threads(args);
        const int n = 2048;
        int reps = args.Int("reps", 10);
        foreach (var (dtype, label) in new[] { (ScalarType.Float32, "float32"), (ScalarType.BFloat16, "bfloat16") })
        {
            using var scope = NewDisposeScope();
            var a = randn(n, n).to(dtype);
            var b = randn(n, n).to(dtype);
            for (int i = 0; i < 2; i++) a.matmul(b).Dispose();
            var gflops = new List<double>();
            for (int i = 0; i < reps; i++)
            {
                var clock = Stopwatch.StartNew();
                a.matmul(b).Dispose();
                gflops.Add(2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
            }
            Result.Print("matmul_peak", ("impl", "torchsharp"), ("dtype", label),
                ("gflops_best", gflops.Max()), ("gflops_median", Result.Median(gflops)));
        }
    }
}

/// <summary>Training speed of the reference configuration, as pytorch_reference.py measures it.</summary>
internal sealed class TrainBenchmark : IBenchmark
{
    public string Name => "train";
    public string Description => "reference training tokens/s (--reps 5 --steps 6 --precision fp32|bf16|both)";

    public void Run(BenchmarkArgs args)
    {
        Threads(args);
        int reps = args.Int("reps", 5), steps = args.Int("steps", 6);
        string which = args.String("precision", "both");
        if (which is "fp32" or "both") Measure(Precision.Float32, "fp32", reps, steps);
        if (which is "bf16" or "both") Measure(Precision.BFloat16, "bf16", reps, steps);
    }

    private static void Measure(Precision precision, string label, int reps, int steps)
    {
        using var model = NewModel(precision);
        using var optimizer = Optimizer(model);
        using var batch = new TrainingBatch(new Generator(0));
        float loss = 0;
        // Each step ends as the library's training loop ends it, memory upkeep included.
        for (int i = 0; i < 3; i++) { loss = TrainStep(model, optimizer, batch); MemoryManagement.AfterStep(); } // warm-up
        var tokensPerSecond = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) { loss = TrainStep(model, optimizer, batch); MemoryManagement.AfterStep(); }
            tokensPerSecond.Add(steps * Batch * TargetLength / clock.Elapsed.TotalSeconds);
        }
        var (min, median, max) = Stats(tokensPerSecond);
        Console.WriteLine($"params {model.ParameterCount}  train GFLOP/step {3 * ForwardFlops() / 1e9:F2}  loss {loss:F3}");
        Result.Print("train_reference", ("impl", "torchsharp"), ("precision", label), ("tokens_per_s", median),
            ("min", min), ("max", max), ("gflops", 3 * ForwardFlops() * median / (Batch * TargetLength) / 1e9));
    }
}

/// <summary>Greedy generation of 64 tokens for 32 sources, without and with the key/value cache.</summary>
internal sealed class GenerateBenchmark : IBenchmark
{
    private const int NewTokens = 64;

    public string Name => "generate";
    public string Description => "greedy generation tokens/s, batch 32, 64 new tokens, cache off and on (--reps 5, --precision fp32|bf16, --cache off,on, --verbose, --warmup 5 seconds)";

    public void Run(BenchmarkArgs args)
    {
        Threads(args);
        int reps = args.Int("reps", 5);
        // bf16: products in bfloat16 on weights cast once (the model is prepared for inference, as a fitted generator's is).
        string label = args.String("precision", "fp32");
        using var model = NewModel(label switch
        {
            "fp32" => Precision.Float32,
            "bf16" => Precision.BFloat16,
            _ => throw new ArgumentException($"--precision: expected fp32 or bf16, found '{label}'."),
        });
        model.eval();
        model.PrepareForInference();
        using var greedy = new GreedySelector(model);
        using var batch = new TrainingBatch(new Generator(0));
        using var noGrad = no_grad();
        Tensor? uncached = null, cached = null;
        foreach (bool useCache in args.String("cache", "off,on").Split(',').Select(c => c switch
        {
            "on" => true,
            "off" => false,
            _ => throw new ArgumentException($"--cache: expected on, off or both (off,on), found '{c}'."),
        }))
        {
            Func<int, Tensor> generate = n => useCache ? WithCache(model, greedy, batch, n) : WithoutCache(model, greedy, batch, n);
            WarmUp(args, () => { using (NewDisposeScope()) generate(useCache ? NewTokens : 8); });
            var tokensPerSecond = new List<double>();
            for (int r = 0; r < reps; r++)
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                var tokens = generate(NewTokens);
                tokensPerSecond.Add(Batch * NewTokens / clock.Elapsed.TotalSeconds);
                if (args.Has("verbose")) Console.WriteLine($"repetition {r}: {tokensPerSecond[^1]:F0} tokens/s");
                if (r == reps - 1)
                {
                    if (useCache) cached = tokens.MoveToOuterDisposeScope();
                    else uncached = tokens.MoveToOuterDisposeScope();
                }
            }
            var (min, median, max) = Stats(tokensPerSecond);
            // The precision goes last and only when not the peer's fp32, so that fp32 lines read exactly as the peer's.
            var fields = new List<(string, object)> { ("impl", "torchsharp"), ("cache", useCache ? "on" : "off"),
                ("tokens_per_s", median), ("min", min), ("max", max) };
            if (label != "fp32") fields.Add(("precision", label));
            Result.Print("generate_reference", [.. fields]);
        }
        if (cached is not null && uncached is not null)
        {
            double same = cached.eq(uncached).to(ScalarType.Float32).mean().item<float>();
            Console.WriteLine($"cached and uncached tokens identical: {same:P2}");
        }
        cached?.Dispose();
        uncached?.Dispose();
    }

    // Recomputes the whole prefix for every new token. → [B, 1 + n]
    private static Tensor WithoutCache(TextNetwork model, GreedySelector greedy, TrainingBatch batch, int n)
    {
        var memory = model.Encode(batch.Source, batch.SourcePadding);
        var ys = full(Batch, 1, (long)Bos);
        for (int i = 0; i < n; i++)
        {
            var hidden = model.Decode(ys, memory, batch.SourcePadding, null);               // [B, t, D]
            var next = tensor(greedy.Next(hidden[.., -1]));                                 // [B]
            ys = cat([ys, next.unsqueeze(1)], 1);
        }
        return ys;
    }

    // One position per token with the key/value cache; the prepared model's greedy step may skip the float32 logits
    // (GreedyHead). → [B, 1 + n]
    private static Tensor WithCache(TextNetwork model, GreedySelector greedy, TrainingBatch batch, int n)
    {
        var memory = model.Encode(batch.Source, batch.SourcePadding);
        using var cache = model.StartDecoding(memory, batch.SourcePadding, Batch, n);
        var tokens = new List<Tensor> { full(Batch, (long)Bos) };
        for (int i = 0; i < n; i++)
            tokens.Add(tensor(greedy.Next(model.StepHidden(tokens[^1], cache))));                     // [B]
        return stack(tokens, 1);
    }
}

/// <summary>
/// Resident memory over a long fp32 training run: flat after warm-up means no leak. Run without environment variables:
/// the library's own memory settings (<see cref="MemoryManagement"/>) are what is measured; the loop ends each step
/// as the library's training loop does.
/// </summary>
internal sealed class MemoryBenchmark : IBenchmark
{
    public string Name => "memory";
    public string Description => "RSS at training steps 50, 250, 500 (--total 500)";

    public void Run(BenchmarkArgs args)
    {
        Threads(args);
        int total = args.Int("total", 500);
        var checkpoints = new[] { 50, total / 2, total };
        using var model = NewModel(Precision.Float32);
        using var optimizer = Optimizer(model);
        using var batch = new TrainingBatch(new Generator(0));
        Console.WriteLine(MemoryManagement.Description);
        var clock = Stopwatch.StartNew();
        for (int step = 1; step <= total; step++)
        {
            TrainStep(model, optimizer, batch);
            MemoryManagement.AfterStep();
            // The managed heap beside RSS: growth there is the .NET GC's, not LibTorch's or glibc's.
            if (step % 10 == 0)
                Console.WriteLine($"step {step}  rss {ResidentMegabytes():F0} MiB  peak {PeakResidentMegabytes():F0} MiB  managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB  " +
                    $"live tensors {torch.Tensor.TotalCount}  {clock.Elapsed.TotalSeconds:F0} s");
            if (checkpoints.Contains(step))
                Result.Print("train_memory", ("impl", "torchsharp"), ("step", step), ("rss_mb", ResidentMegabytes()), ("peak_rss_mb", PeakResidentMegabytes()));
        }
    }
}

/// <summary>Mixed bf16 must learn like fp32: the same seeded model and data, 200 steps each, then the same fp32 evaluation.</summary>
internal sealed class BFloat16LearningBenchmark : IBenchmark
{
    public string Name => "bf16learn";
    public string Description => "loss after 200 steps, fp32 vs bf16 mixed precision (--total 200)";

    public void Run(BenchmarkArgs args)
    {
        Threads(args);
        int total = args.Int("total", 200);
        // A few fixed batches, cycled: the model can learn them, so the loss really falls.
        var generator = new Generator(1);
        var batches = Enumerable.Range(0, 4).Select(_ => new TrainingBatch(generator)).ToList();
        double fp32 = TrainAndEvaluate(Precision.Float32, batches, total);
        double bf16 = TrainAndEvaluate(Precision.BFloat16, batches, total);
        foreach (var b in batches) b.Dispose();
        Result.Print("bf16_learning", ("fp32_loss", fp32), ("bf16_loss", bf16), ("rel_diff", Math.Abs(bf16 - fp32) / fp32));
    }

    private static double TrainAndEvaluate(Precision precision, List<TrainingBatch> batches, int total)
    {
        using var model = NewModel(precision, seed: 3);
        random.manual_seed(4); // the same dropout masks as far as the two runs stay in step
        using var optimizer = Optimizer(model);
        for (int step = 0; step < total; step++)
        {
            float loss = TrainStep(model, optimizer, batches[step % batches.Count]);
            if (step % 50 == 49) Console.WriteLine($"{precision} step {step + 1} training loss {loss:F4}");
        }
        // Judge both the same way: float32, no dropout.
        model.Precision = Precision.Float32;
        model.eval();
        using var noGrad = no_grad();
        double sum = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            sum += Loss(model, batch).item<float>();
        }
        return sum / batches.Count;
    }
}
