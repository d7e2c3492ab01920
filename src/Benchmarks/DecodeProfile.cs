using System.Diagnostics;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Modeling;
using static Microsoft.ML.Transformer.Benchmarks.ReferenceSetup;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Where a cached greedy decoding step's time goes (the <c>generate</c> benchmark's cache-on loop: batch 32, one new
/// position a step, 64 steps, fp32). The real step is timed over whole generations (the encoding and the cache's
/// set-up included, as in the benchmark's tokens/s); each kernel a step runs is timed
/// alone at the step's shapes and multiplied by how often a step runs it; "encoding" is a generation's encoder pass
/// and cross-attention set-up divided over its steps; "other" is what the rest does not explain: element-wise glue,
/// allocation and the host language's overhead. bench/profile_peer.py decodes the same list for PyTorch, so the two
/// breakdowns line up part by part. Products and the output head are each implementation's own as its loop runs them
/// (ours: the prepared model's inference copies Wᵀ and its greedy head; the peer's: F.linear on W, the full logits
/// and their argmax).
/// </summary>
internal static class DecodeProfile
{
    private const int NewTokens = 64;
    private const long Dh = Dimension / Heads, Ff = ReferenceSetup.FeedForward;

    public static void Run(int reps)
    {
        using var model = NewModel(Precision.Float32);
        model.eval();
        model.PrepareForInference();
        using var noGrad = no_grad();
        using var batch = new TrainingBatch(new TorchSharp.torch.Generator(0));
        using var greedy = new GreedySelector(model);

        double step = PerStep(model, greedy, batch, reps, NewTokens);
        Result.Print("profile_decode", ("impl", "torchsharp"), ("precision", "fp32"), ("part", "step"), ("ms_per_step", step), ("share", 1.0));
        double encoding = PerStep(model, greedy, batch, reps, newTokens: 0);
        Result.Print("profile_decode", ("impl", "torchsharp"), ("precision", "fp32"), ("part", "encoding"), ("ms_per_step", encoding), ("share", encoding / step));
        double explained = encoding;
        using var weights = new InferenceWeights(ScalarType.Float32);
        foreach (var group in Kernels(greedy, weights).GroupBy(k => k.Category))
        {
            double ms = group.Sum(k => k.Count * Time(k.Run, reps));
            explained += ms;
            Result.Print("profile_decode", ("impl", "torchsharp"), ("precision", "fp32"), ("part", group.Key), ("ms_per_step", ms), ("share", ms / step));
        }
        Result.Print("profile_decode", ("impl", "torchsharp"), ("precision", "fp32"), ("part", "other"),
            ("ms_per_step", step - explained), ("share", (step - explained) / step));
    }

    // Median ms of generations feeding newTokens positions (encoding and cache set-up included), divided by a full
    // generation's steps: with NewTokens, one step; with 0, the encoding's share of a step.
    private static double PerStep(TextNetwork model, GreedySelector greedy, TrainingBatch batch, int reps, int newTokens)
    {
        var xs = new List<double>();
        for (int r = 0; r < reps + 2; r++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var memory = model.Encode(batch.Source, batch.SourcePadding);
            using var cache = model.StartDecoding(memory, batch.SourcePadding, Batch, NewTokens);
            var token = full(Batch, (long)Bos);
            for (int i = 0; i < newTokens; i++)
                token = tensor(greedy.Next(model.StepHidden(token, cache)));                  // [B]
            if (r >= 2) xs.Add(clock.Elapsed.TotalMilliseconds / NewTokens);                // two warm-up generations
        }
        return Result.Median(xs);
    }

    private sealed record Kernel(string Category, int Count, Action Run);

    // The kernels of one step: one position per row through every decoder layer, then the output head.
    private static List<Kernel> Kernels(GreedySelector greedy, InferenceWeights weights)
    {
        long t = NewTokens / 2; // the self-attention reads a cache half full on average
        return
        [
            Linear(weights, Dimension, 3 * Dimension, Layers), // self-attention q, k, v
            Linear(weights, Dimension, Dimension, Layers),     // self-attention output
            Linear(weights, Dimension, Dimension, Layers),     // cross-attention q
            Linear(weights, Dimension, Dimension, Layers),     // cross-attention output
            Linear(weights, Dimension, Ff, Layers),            // feed-forward in
            Linear(weights, Ff, Dimension, Layers),            // feed-forward out
            Attention(t, Layers, masked: false),               // self-attention over the cache (one query sees all)
            Attention(SourceLength, Layers, masked: true),     // cross-attention over the encoder's output
            CacheWrite(NewTokens, 2 * Layers),                 // this position's key and value into the cache
            Elementwise("norms", [Batch, Dimension], 3 * Layers + 1, x => nn.functional.layer_norm(x, [Dimension])),
            Elementwise("residual_adds", [Batch, Dimension], 3 * Layers, x => x.add(x)),
            Elementwise("activations", [Batch, Ff], Layers, x => nn.functional.relu(x)),
            Embedding(),
            Head(greedy),
        ];
    }

    // Through the inference copies, as a prepared model's projections run (Wᵀ [in, out], contiguous).
    private static Kernel Linear(InferenceWeights weights, long inputs, long outputs, int count)
    {
        var x = randn(Batch, inputs);
        var w = randn(outputs, inputs).mul(0.02);
        var b = zeros(outputs);
        return new("matmul", count, () => { using var s = NewDisposeScope(); weights.Linear(x, w, b); });
    }

    // One query a row against tk keys, through the fused kernel as a float32 cached step runs it; the cross-attention
    // adds the source's padding mask [B, 1, 1, S].
    private static Kernel Attention(long tk, int count, bool masked)
    {
        var q = randn(Batch, Heads, 1, Dh);
        var k = randn(Batch, Heads, tk, Dh);
        var v = randn(Batch, Heads, tk, Dh);
        var mask = masked ? zeros(Batch, 1, 1, tk) : null;
        return new("attention", count, () =>
        {
            using var s = NewDisposeScope();
            nn.functional.scaled_dot_product_attention(q, k, v, mask);
        });
    }

    private static Kernel CacheWrite(long capacity, int count)
    {
        var cache = empty(Batch, Heads, capacity, Dh);
        var k = randn(Batch, Heads, 1, Dh);
        return new("cache_writes", count, () => { using var s = NewDisposeScope(); cache.narrow(2, capacity / 2, 1).copy_(k); });
    }

    private static Kernel Elementwise(string category, long[] shape, int count, Func<Tensor, Tensor> op)
    {
        var x = randn(shape);
        return new(category, count, () => { using var s = NewDisposeScope(); op(x); });
    }

    private static Kernel Embedding()
    {
        var table = randn(Vocabulary, Dimension);
        var positions = randn(512, Dimension);
        var ids = randint(0, Vocabulary, [Batch]);
        return new("embeddings", 1, () => { using var s = NewDisposeScope(); table.index_select(0, ids).add(positions[NewTokens / 2]); });
    }

    // Ours as it runs: the prepared model's greedy head on one hidden state a row.
    private static Kernel Head(GreedySelector greedy)
    {
        var hidden = nn.functional.layer_norm(randn(Batch, Dimension), [Dimension]); // like the final norm's output
        return new("output_head", 1, () => greedy.Next(hidden));
    }

    private static double Time(Action run, int reps)
    {
        for (int i = 0; i < 20; i++) run();
        var xs = new List<double>();
        for (int r = 0; r < Math.Max(reps, 5); r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 50; i++) run();
            xs.Add(clock.Elapsed.TotalMilliseconds / 50);
        }
        return Result.Median(xs);
    }
}
