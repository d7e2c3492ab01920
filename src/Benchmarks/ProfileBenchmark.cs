using System.Diagnostics;
using Microsoft.ML.Transformer.Modeling;
using static Microsoft.ML.Transformer.Benchmarks.ReferenceSetup;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Where a reference training step's time goes. Two views, each printed as RESULT lines that bench/profile_peer.py
/// prints the same way for PyTorch: the step's phases (zero_grad, forward, loss, backward, optimizer) timed in a real
/// step, and the step's kernels (every matrix product, the attention core, norms, dropout, activations, embeddings,
/// the loss, the optimizer) timed alone at the step's shapes and multiplied by how often a step runs them. What the
/// kernels do not explain ("other") is element-wise glue, allocation and the host language's overhead.
/// </summary>
internal sealed class ProfileBenchmark : IBenchmark
{
    public string Name => "profile";
    public string Description => "reference training step: phases and per-kernel breakdown (--steps 10 --reps 5 --precision fp32|bf16); --part decode: a cached greedy decoding step instead";

    public void Run(BenchmarkArgs args)
    {
        Threads(args);
        if (args.String("part", "train") == "decode")
        {
            DecodeProfile.Run(args.Int("reps", 5));
            return;
        }
        int steps = args.Int("steps", 10), reps = args.Int("reps", 5);
        var precision = args.String("precision", "fp32") == "bf16" ? Precision.BFloat16 : Precision.Float32;
        string label = precision == Precision.BFloat16 ? "bf16" : "fp32";

        double step = Phases(precision, label, steps);
        var kernels = StepKernels.All(precision == Precision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32);
        double explained = 0;
        foreach (var group in kernels.GroupBy(k => k.Category))
        {
            double ms = group.Sum(k => k.Count * Time(k.Run, reps));
            double flops = group.Sum(k => k.Count * k.Flops);
            explained += ms;
            Result.Print("profile_kernels", ("impl", "torchsharp"), ("precision", label), ("part", group.Key),
                ("ms_per_step", ms), ("share", ms / step), ("gflops", flops > 0 ? flops / ms / 1e6 : 0));
        }
        Result.Print("profile_kernels", ("impl", "torchsharp"), ("precision", label), ("part", "other"),
            ("ms_per_step", step - explained), ("share", (step - explained) / step), ("gflops", 0));
    }

    // Times each phase of real steps (median over steps, ms) and prints them; returns the median step.
    private static double Phases(Precision precision, string label, int steps)
    {
        using var model = NewModel(precision);
        using var optimizer = Optimizer(model);
        using var batch = new TrainingBatch(new Generator(0));
        for (int i = 0; i < 3; i++) TrainStep(model, optimizer, batch);
        var phases = new Dictionary<string, List<double>>();
        void Add(string name, Stopwatch clock) =>
            (phases.TryGetValue(name, out var xs) ? xs : phases[name] = []).Add(clock.Elapsed.TotalMilliseconds);
        long allocated = 0;
        for (int i = 0; i < steps; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var total = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            Add("zero_grad", clock);
            clock.Restart();
            var logits = model.forward(batch.Source, batch.SourcePadding, batch.TargetInput, batch.TargetPadding); // [B, T, V]
            Add("forward", clock);
            clock.Restart();
            var loss = nn.functional.cross_entropy(logits.view(-1, Vocabulary), batch.TargetOutput.view(-1), ignore_index: Pad);
            Add("loss", clock);
            clock.Restart();
            loss.backward();
            Add("backward", clock);
            clock.Restart();
            optimizer.step();
            Add("optimizer", clock);
            scope.Dispose();
            Add("step", total);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        double step = Result.Median(phases["step"]);
        foreach (var (name, xs) in phases)
            Result.Print("profile_phases", ("impl", "torchsharp"), ("precision", label), ("part", name),
                ("ms_per_step", Result.Median(xs)), ("share", Result.Median(xs) / step));
        Result.Print("profile_managed", ("impl", "torchsharp"), ("precision", label),
            ("kb_allocated_per_step", allocated / 1024.0 / steps), ("gen0_collections", GC.CollectionCount(0)));
        return step;
    }

    // Median milliseconds of one call of run, after two warm-up calls. Each call runs in its own dispose scope, so that
    // what its forward allocates is freed as in a step, not left to the garbage collector while later calls map fresh memory.
    private static double Time(Action run, int reps)
    {
        Scoped(run);
        Scoped(run);
        var xs = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            Scoped(run);
            xs.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Result.Median(xs);
    }

    private static void Scoped(Action run)
    {
        using var scope = NewDisposeScope();
        run();
    }
}
