using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Dropout: while training, zero each element with probability p and scale the others by 1/(1 − p).
/// </summary>
/// <remarks>
/// On the CPU the random mask is drawn here rather than by libtorch: its bernoulli_ draws one Mersenne-Twister number
/// per element on one thread, so drawing the mask costs more than the multiplication it feeds (docs/RESULTS.md), and
/// a training step draws a mask over every activation it drops. A xoshiro256** generator, seeded from torch's generator (so torch.manual_seed still reproduces a run), writes 32
/// random bits per element straight into the mask's memory; an element is dropped when its bits fall below
/// p·2³², i.e. with probability p to within 2⁻³². Other devices use libtorch's dropout.
/// </remarks>
internal static class Dropout
{
    /// <summary>x with dropout applied when <paramref name="training"/> and p &gt; 0; otherwise x itself.</summary>
    public static Tensor Apply(Tensor x, double p, bool training)
    {
        if (!training || p <= 0) return x;
        if (x.device_type != DeviceType.CPU) return nn.functional.dropout(x, p, training: true);
        var keep = KeepMask(x.shape, p);                               // bool, x's shape
        var scale = keep.to(x.dtype).TimesInPlace(1.0 / (1.0 - p));     // 0 or 1/(1 − p), no gradient
        return x.mul(scale);
    }

    /// <summary>A bool tensor of <paramref name="shape"/>, each element true with probability 1 − p.</summary>
    public static Tensor KeepMask(long[] shape, double p)
    {
        var bits = empty(shape, ScalarType.Int32);
        long seed = randint(long.MinValue, long.MaxValue, [1], dtype: ScalarType.Int64).item<long>();
        Fill(MemoryMarshal.Cast<byte, uint>(bits.bytes), (ulong)seed);
        // bits are uniform over the int32 range; round(p·2³²) of its 2³² values lie below the threshold.
        long threshold = int.MinValue + (long)Math.Round(p * 4294967296.0);
        return bits.IsAtLeast(threshold);
    }

    // xoshiro256** (Blackman and Vigna), state from splitmix64; two 32-bit outputs per step.
    private static void Fill(Span<uint> destination, ulong seed)
    {
        ulong s0 = SplitMix(ref seed), s1 = SplitMix(ref seed), s2 = SplitMix(ref seed), s3 = SplitMix(ref seed);
        int i = 0;
        while (i < destination.Length)
        {
            ulong result = BitRotate(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitRotate(s3, 45);
            destination[i++] = (uint)result;
            if (i < destination.Length) destination[i++] = (uint)(result >> 32);
        }
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));
}
