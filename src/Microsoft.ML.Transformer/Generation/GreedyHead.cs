using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Greedy decoding's next tokens for a float32 network on the CPU prepared for inference, without its float32 output product. The
/// logits are screened in bfloat16 — on CPUs with bfloat16 matrix units that product costs less than the float32
/// one (docs/RESULTS.md) — and every token that the screen's worst-case error leaves in the
/// running is scored again in float32. The result is the argmax of the float32 logits (the lowest id on a tie), as
/// <see cref="LogitsProcessing.Greedy"/> over them gives, up to the order in which float32 sums round.
/// </summary>
/// <remarks>
/// Why it is exact: with u = 2⁻⁸ (bfloat16's unit roundoff) and D the width, rounding x and w to bfloat16, summing in
/// float32 and rounding the sum to bfloat16 moves each logit by at most
/// c·Σ|xᵢ||wᵥᵢ| ≤ c·‖x‖·max‖wᵥ‖ = E, with c = 3u + 4u² + 2.01·D·2⁻²⁴. A token whose screened logit is more than 2E below
/// the row's screened maximum m is below the float32 logit of the token that reached m, so it cannot be the argmax;
/// the tokens within 2E of m (one to a few) are scored exactly. Rows whose screen is not finite, or that leave too many
/// candidates, fall back to the float32 product. Buffers are per thread, so several threads may decode with one head.
/// </remarks>
internal sealed class GreedyHead : IDisposable
{
    private const int MaxCandidatesPerRow = 64; // beyond this the exact scoring costs more than the float32 product

    private readonly Tensor weight;          // [V, D] float32, the caller's (for the fallback)
    private readonly Tensor? bias;           // [V] or null
    private readonly Tensor screenWeight;    // [V, D] bfloat16
    private readonly float[] exactWeight;    // [V × D] float32, rows read by the exact scoring
    private readonly float[]? exactBias;     // [V]
    private readonly double errorPerNorm;    // c · max‖wᵥ‖: E = errorPerNorm · ‖x‖
    private readonly ThreadLocal<Scratch> scratch = new(() => new Scratch(), trackAllValues: true);

    /// <param name="weight">The head's float32 weight [V, D] (the tied embedding or the output projection).</param>
    /// <param name="bias">Its bias [V], or null.</param>
    public GreedyHead(Tensor weight, Tensor? bias)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (weight.dtype != ScalarType.Float32 || weight.device_type != DeviceType.CPU)
            throw new ArgumentException($"The screened greedy head needs a float32 weight on the CPU, found {weight.dtype} on {weight.device_type}.", nameof(weight));
        if (!CanHold(weight))
            throw new ArgumentException($"The screened greedy head keeps the weight in one array: {weight.numel()} values exceed {Array.MaxLength}.", nameof(weight));
        this.weight = weight;
        this.bias = bias;
        var w = weight.detach().contiguous();
        (Vocabulary, Width) = ((int)w.shape[0], (int)w.shape[1]);
        screenWeight = w.to(ScalarType.BFloat16).DetachFromDisposeScope();
        exactWeight = Managed(w);
        exactBias = bias is null ? null : Managed(bias.detach());
        double u = Math.Pow(2, -8), c = 3 * u + 4 * u * u + 2.01 * Width * Math.Pow(2, -24);
        double maxNorm = w.to(ScalarType.Float64).norm(1, false).max().item<double>();
        errorPerNorm = c * maxNorm * (1 + 1e-6);
    }

    /// <summary>Whether a head weight [V, D] fits the one managed array the exact scoring reads.</summary>
    public static bool CanHold(Tensor weight) => weight.numel() <= Array.MaxLength;

    // A float32 tensor's values in a managed array, copied by libtorch in one call: element-wise reads through
    // TorchSharp's accessor cross into native code once per value.
    private static float[] Managed(Tensor t)
    {
        var values = GC.AllocateArray<float>((int)t.numel(), pinned: true);   // never moved while libtorch writes
        using var view = from_array(values);
        view.copy_(t.reshape(-1));
        return values;
    }

    /// <summary>The number of tokens, V.</summary>
    public int Vocabulary { get; }

    /// <summary>The hidden width, D.</summary>
    public int Width { get; }

    /// <summary>Screened and certified candidates scored exactly so far (for tests and diagnostics).</summary>
    internal long CandidatesScored;

    /// <summary>Rows that needed the float32 product so far (for tests and diagnostics).</summary>
    internal long Fallbacks;

    /// <summary>The greedy next token of each row: hidden [B, D] float32 on the CPU → B token ids.</summary>
    public long[] Next(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int rows = (int)hidden.shape[0];
        if ((long)rows * Vocabulary > Array.MaxLength)                                  // too many rows for one buffer
            return Float32Tokens(hidden);
        var s = scratch.Value!;
        var (logits, logitView) = s.Logits(rows, Vocabulary);
        var (x, xView) = s.Hidden(rows, Width);
        xView.copy_(hidden);
        logitView.copy_(ScreenProduct(hidden));                                        // [B, V] bf16 → f32
        if (bias is not null) logitView.PlusInPlace(bias);

        var tokens = new long[rows];
        for (int b = 0; b < rows; b++)
        {
            var row = logits.AsSpan(b * Vocabulary, Vocabulary);
            var xb = x.AsSpan(b * Width, Width);
            long? token = Certify(row, xb);
            if (token is null)
            {
                Interlocked.Increment(ref Fallbacks);
                token = Float32Tokens(hidden.narrow(0, b, 1))[0];
            }
            tokens[b] = token.Value;
        }
        return tokens;
    }

    // The argmax of one row from its screened logits, or null when the screen cannot decide.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // full JIT at once: PaysOff times it on first use
    private long? Certify(ReadOnlySpan<float> row, ReadOnlySpan<float> x)
    {
        float max = Max(row);
        if (!float.IsFinite(max)) return null;
        float threshold = (float)(max - 2 * ErrorBound(x, max));

        long best = -1;
        float bestScore = float.NegativeInfinity;
        int candidates = 0;
        var width = Vector<float>.Count;
        var limit = new Vector<float>(threshold);
        for (int start = 0; start < row.Length; start += width)
        {
            if (start + width <= row.Length && !Vector.GreaterThanOrEqualAny(new Vector<float>(row[start..]), limit))
                continue;
            for (int v = start; v < Math.Min(start + width, row.Length); v++)
            {
                if (!(row[v] >= threshold)) continue;
                if (++candidates > MaxCandidatesPerRow) return null;
                float score = Dot(x, exactWeight.AsSpan(v * Width, Width)) + (exactBias?[v] ?? 0f);
                if (score > bestScore) (best, bestScore) = (v, score);   // strict: the lowest id wins a tie
            }
        }
        Interlocked.Add(ref CandidatesScored, candidates);
        return best >= 0 ? best : null;
    }

    /// <summary>E: how far a screened logit of a row with hidden state <paramref name="x"/> and screened maximum
    /// <paramref name="max"/> can be from its float32 value (with a margin for float32's own rounding).</summary>
    internal double ErrorBound(ReadOnlySpan<float> x, float max) =>
        errorPerNorm * Math.Sqrt(Dot(x, x)) * (1 + 1e-6) + 1e-6 * Math.Abs(max);

    /// <summary>The screened logits [B, V] float32 (bias included) of hidden [B, D], as <see cref="Next"/> sees them.</summary>
    internal Tensor Screen(Tensor hidden)
    {
        using var noGrad = no_grad();
        var logits = ScreenProduct(hidden).to(ScalarType.Float32);
        return bias is null ? logits : logits.PlusInPlace(bias);
    }

    // The screen's product without the bias: hidden [B, D] → [B, V] bfloat16.
    private Tensor ScreenProduct(Tensor hidden) => hidden.to(ScalarType.BFloat16).mm(screenWeight.t());

    // The float32 product's argmax for every row of hidden [B, D]: the fallback, and what PaysOff times against.
    private long[] Float32Tokens(Tensor hidden) => LogitsProcessing.GreedyTokens(nn.functional.linear(hidden, weight, bias));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // full JIT at once: PaysOff times it on first use
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int width = Vector<float>.Count, full = a.Length - a.Length % width;
        var acc = Vector<float>.Zero;
        for (int i = 0; i < full; i += width)
            acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Sum(acc);
        for (int i = full; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // full JIT at once: PaysOff times it on first use
    private static float Max(ReadOnlySpan<float> row)
    {
        int width = Vector<float>.Count, full = row.Length - row.Length % width;
        var acc = new Vector<float>(float.NegativeInfinity);
        var nan = Vector<int>.Zero;
        for (int i = 0; i < full; i += width)
        {
            var v = new Vector<float>(row[i..]);
            nan |= ~Vector.Equals(v, v);                                 // NaN is unequal to itself
            acc = Vector.Max(acc, v);
        }
        if (nan != Vector<int>.Zero) return float.NaN;
        float max = float.NegativeInfinity;
        for (int i = 0; i < width; i++) max = Math.Max(max, acc[i]);
        for (int i = full; i < row.Length; i++) max = Math.Max(max, row[i]);   // Math.Max propagates NaN
        return max;
    }

    /// <summary>
    /// Whether the screen pays on this CPU: times the float32 product against the screen on <paramref name="rows"/>
    /// random rows (a few repetitions after a warm-up). Without bfloat16 hardware the bfloat16 product is emulated and
    /// slower; the screen is then left off.
    /// </summary>
    public bool PaysOff(int rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new TorchSharp.torch.Generator(seed: 1);   // leaves the global generator's sequence alone
        var x = nn.functional.layer_norm(randn([rows, Width], generator: random), [Width]);
        double Time(Action run)
        {
            run();
            var times = new double[5];
            for (int i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                run();
                times[i] = clock.Elapsed.TotalMicroseconds;
            }
            Array.Sort(times);
            return times[times.Length / 2];
        }
        double full = Time(() => { using var inner = NewDisposeScope(); Float32Tokens(x); });
        double screened = Time(() => Next(x));
        return screened < 0.8 * full;
    }

    public void Dispose()
    {
        screenWeight.Dispose();
        foreach (var s in scratch.Values) s.Dispose();
        scratch.Dispose();
    }

    /// <summary>One thread's buffers: managed arrays on the pinned heap, each with a tensor sharing its memory.</summary>
    private sealed class Scratch : IDisposable
    {
        private float[] logits = [], hidden = [];
        private Tensor? logitTensor, hiddenTensor;

        public (float[] Array, Tensor View) Logits(int rows, int columns) => Ensure(ref logits, ref logitTensor, rows, columns);

        public (float[] Array, Tensor View) Hidden(int rows, int columns) => Ensure(ref hidden, ref hiddenTensor, rows, columns);

        private static (float[], Tensor) Ensure(ref float[] array, ref Tensor? tensor, int rows, int columns)
        {
            if (array.Length < rows * columns)
            {
                tensor?.Dispose();
                array = GC.AllocateArray<float>(rows * columns, pinned: true);      // never moved: libtorch writes into it
                tensor = from_array(array).DetachFromDisposeScope();
            }
            return (array, tensor!.narrow(0, 0, (long)rows * columns).view(rows, columns));
        }

        public void Dispose()
        {
            logitTensor?.Dispose();
            hiddenTensor?.Dispose();
        }
    }
}
