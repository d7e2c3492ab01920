using System.Diagnostics;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The reference configuration of ../shared/bench/README.md, identical to pytorch_reference.py: vocabulary 8,000,
/// d_model 256, 4 heads, 3 + 3 layers, feed-forward 1,024 ReLU, dropout 0.1, post-norm, batch 32, source and target
/// length 64 with ~20% tail padding, embeddings × √d plus sinusoidal positions, cross-entropy ignoring pads,
/// AdamW lr 1e-4 (PyTorch's default weight decay 0.01), 2 threads.
/// </summary>
internal static class ReferenceSetup
{
    public const int Vocabulary = 8000, Dimension = 256, Heads = 4, Layers = 3, FeedForward = 1024;
    public const int Batch = 32, SourceLength = 64, TargetLength = 64, Pad = 0, Bos = 1;

    public static ModelOptions Options { get; } = new()
    {
        VocabularySize = Vocabulary,
        ModelDimension = Dimension,
        Heads = Heads,
        EncoderLayers = Layers,
        DecoderLayers = Layers,
        FeedForwardDimension = FeedForward,
        Activation = Activation.Relu,
        EmbeddingDropout = 0.1,
        AttentionDropout = 0.1,
        ResidualDropout = 0.1,
        FeedForwardDropout = 0.1,
        NormPlacement = NormPlacement.PostNorm,
        PositionalEncoding = PositionalEncoding.Sinusoidal,
        ScaleEmbeddings = true,
        TieEmbeddings = false,
        PaddingId = Pad,
    };

    /// <summary>Two intra-op threads, as the peer (--threads changes it); call before any benchmark.</summary>
    public static void Threads(BenchmarkArgs args) => set_num_threads(args.Int("threads", 2));

    /// <summary>
    /// Runs <paramref name="run"/> at least twice and for at least <c>--warmup</c> seconds (default 5), so that timing
    /// starts in the steady state a serving process is in: .NET's tiered JIT recompiles hot managed code in the
    /// background during a process's first seconds, and the first full-length generation runs were up to twice as slow
    /// as later ones (2,484 then 4,482 … 6,767 tokens/s for the ML.NET generator's first 10 runs after two warm-ups).
    /// </summary>
    public static void WarmUp(BenchmarkArgs args, Action run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int seconds = args.Int("warmup", 5);
        for (int runs = 0; runs < 2 || clock.Elapsed.TotalSeconds < seconds; runs++)
            run();
    }

    /// <summary>A seeded model of the reference configuration, in training mode.</summary>
    public static TextNetwork NewModel(Precision precision, int seed = 0)
    {
        random.manual_seed(seed);
        var model = new TextNetwork(Options) { Precision = precision };
        model.train();
        return model;
    }

    /// <summary>AdamW as the peer's torch.optim.AdamW(lr=1e-4) (weight decay 0.01 on every parameter).</summary>
    public static optim.Optimizer Optimizer(TextNetwork model) =>
        optim.AdamW(model.parameters(), lr: 1e-4, weight_decay: 0.01);

    /// <summary>One batch as the peer makes it: random ids, lengths uniform in [0.6 L, L], tail padding, BOS first.</summary>
    public sealed class TrainingBatch : IDisposable
    {
        public TrainingBatch(Generator generator)
        {
            using var scope = NewDisposeScope();
            Source = randint(2, Vocabulary, [Batch, SourceLength], generator: generator);
            var target = randint(2, Vocabulary, [Batch, TargetLength + 1], generator: generator);
            var sourceLengths = randint((int)(0.6 * SourceLength), SourceLength + 1, [Batch], generator: generator);
            var targetLengths = randint((int)(0.6 * TargetLength), TargetLength + 1, [Batch], generator: generator);
            SourcePadding = arange(SourceLength).unsqueeze(0) >= sourceLengths.unsqueeze(1);          // [B, S]
            var targetPaddingFull = arange(TargetLength + 1).unsqueeze(0) >= (targetLengths + 1).unsqueeze(1);
            Source = Source.masked_fill(SourcePadding, Pad);
            target = target.masked_fill(targetPaddingFull, Pad);
            target[.., 0] = Bos;
            TargetInput = target[.., ..^1].contiguous();
            TargetOutput = target[.., 1..].contiguous();
            TargetPadding = targetPaddingFull[.., ..^1].contiguous();
            foreach (var t in new[] { Source, SourcePadding, TargetInput, TargetOutput, TargetPadding }) t.MoveToOuterDisposeScope();
        }

        public Tensor Source { get; }
        public Tensor SourcePadding { get; }
        public Tensor TargetInput { get; }
        public Tensor TargetOutput { get; }
        public Tensor TargetPadding { get; }

        public void Dispose()
        {
            foreach (var t in new[] { Source, SourcePadding, TargetInput, TargetOutput, TargetPadding }) t.Dispose();
        }
    }

    /// <summary>The training loss of one batch, [] float32.</summary>
    public static Tensor Loss(TextNetwork model, TrainingBatch batch)
    {
        var logits = model.forward(batch.Source, batch.SourcePadding, batch.TargetInput, batch.TargetPadding); // [B, T, V]
        return nn.functional.cross_entropy(logits.view(-1, Vocabulary), batch.TargetOutput.view(-1), ignore_index: Pad);
    }

    /// <summary>One optimiser step; returns the loss.</summary>
    public static float TrainStep(TextNetwork model, optim.Optimizer optimizer, TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = Loss(model, batch);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Forward FLOPs of one training batch, counted as the peer counts them (matrix products only).</summary>
    public static double ForwardFlops()
    {
        double d = Dimension, ff = FeedForward, b = Batch, s = SourceLength, t = TargetLength, v = Vocabulary;
        double encoder = Layers * (2 * (4 * d * d + 2 * d * ff) * b * s + 4 * s * d * b * s);
        double decoder = Layers * (2 * (8 * d * d + 2 * d * ff) * b * t - 2 * 2 * d * d * b * t + 2 * 2 * d * d * b * s
                                   + 4 * t * d * b * t + 4 * s * d * b * t);
        return encoder + decoder + 2 * d * v * b * t;
    }

    /// <summary>Resident memory of this process, in MiB (from /proc, as the kernel counts it).</summary>
    public static double ResidentMegabytes() => StatusMegabytes("VmRSS:");

    /// <summary>The highest resident set of the process so far (Linux's VmHWM), in MiB; the current one elsewhere.</summary>
    public static double PeakResidentMegabytes() => StatusMegabytes("VmHWM:");

    private static double StatusMegabytes(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>min, median, max.</summary>
    public static (double Min, double Median, double Max) Stats(IReadOnlyList<double> xs) => (xs.Min(), Result.Median(xs), xs.Max());
}
