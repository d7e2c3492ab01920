using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Numbers handed to libtorch with a lifetime that covers the call. TorchSharp 0.107 turns a number (and the implicit
/// alpha of <c>a + b</c> or <c>add_</c>) into a temporary <see cref="Scalar"/>, passes only its native handle and leaves
/// it to the finaliser, which a collection on another thread may run while libtorch still reads it (a use-after-free
/// seen as "Expected false to be true" in <c>c10::Scalar::toFloat</c>). The constants here live as long as the process;
/// the helpers keep a computed number alive until the operation has returned. Each helper runs the same libtorch
/// operation with the same value, of the same C# type, as the operator or overload it replaces.
/// </summary>
internal static class Scalars
{
    /// <summary>int 1: TorchSharp's own alpha of <c>add(Tensor)</c>, and the step of <c>arange</c>.</summary>
    public static readonly Scalar One = 1;

    /// <summary>int 0: the start of <c>arange(stop)</c>.</summary>
    public static readonly Scalar Zero = 0;

    /// <summary>int 2: the exponent of <c>square()</c>.</summary>
    public static readonly Scalar Two = 2;

    /// <summary>double 1: ELU's default alpha, scale and input scale.</summary>
    public static readonly Scalar OneDouble = 1.0;

    /// <summary>float −∞: the logit of a token that must not be chosen.</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity;

    /// <summary><c>a + b</c> (libtorch's <c>add</c> with alpha 1).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a += b</c> in place (libtorch's <c>add_</c> with alpha 1); returns <paramref name="a"/>.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary><c>a²</c> elementwise, as TorchSharp's <c>square()</c> computes it (<c>pow(2)</c>).</summary>
    public static Tensor Squared(this Tensor a) => a.pow(Two);

    /// <summary><c>a + value</c>.</summary>
    public static Tensor Plus(this Tensor a, Scalar value) => a.add(value, One);

    /// <summary><c>a + value</c>.</summary>
    public static Tensor Plus(this Tensor a, long value)
    {
        using Scalar s = value;
        return a.add(s, One);
    }

    /// <summary><c>a − value</c>.</summary>
    public static Tensor Minus(this Tensor a, long value) => With(value, s => a.sub(s));

    /// <summary><c>a ≥ value</c> elementwise.</summary>
    public static Tensor IsAtLeast(this Tensor a, long value) => With(value, s => a.ge(s));

    /// <summary><c>a ≤ value</c> elementwise.</summary>
    public static Tensor IsAtMost(this Tensor a, long value) => With(value, s => a.le(s));

    /// <summary><c>a &lt; value</c> elementwise.</summary>
    public static Tensor IsBelow(this Tensor a, long value) => With(value, s => a.lt(s));

    /// <summary><c>a · value</c>.</summary>
    public static Tensor Times(this Tensor a, double value) => With(value, s => a.mul(s));

    /// <summary><c>a · value</c>.</summary>
    public static Tensor Times(this Tensor a, long value) => With(value, s => a.mul(s));

    /// <summary><c>a ·= value</c> in place; returns <paramref name="a"/>.</summary>
    public static Tensor TimesInPlace(this Tensor a, double value) => With(value, s => a.mul_(s));

    /// <summary><c>a / value</c>.</summary>
    public static Tensor DividedBy(this Tensor a, double value) => With(value, s => a.div(s));

    /// <summary><paramref name="a"/> with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor FilledWhere(this Tensor a, Tensor mask, Scalar value) => a.masked_fill(mask, value);

    /// <summary><paramref name="a"/> with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor FilledWhere(this Tensor a, Tensor mask, double value)
    {
        using Scalar s = value;
        return a.masked_fill(mask, s);
    }

    /// <summary><c>max(a, value)</c> elementwise.</summary>
    public static Tensor AtLeast(this Tensor a, double value) => With(value, s => a.clamp_min(s));

    /// <summary><c>max(a, value)</c> elementwise, integral.</summary>
    public static Tensor AtLeast(this Tensor a, long value) => With(value, s => a.clamp_min(s));

    /// <summary>Runs <paramref name="operation"/> with <paramref name="value"/> as a Scalar that lives until it returns.</summary>
    public static Tensor With(long value, Func<Scalar, Tensor> operation)
    {
        using Scalar s = value;
        return operation(s);
    }

    /// <summary>Runs <paramref name="operation"/> with <paramref name="value"/> as a Scalar that lives until it returns.</summary>
    public static Tensor With(double value, Func<Scalar, Tensor> operation)
    {
        using Scalar s = value;
        return operation(s);
    }

    /// <summary><c>arange(start, stop)</c>: int64 0-based positions, step 1.</summary>
    public static Tensor Range(long start, long stop, Device? device = null, ScalarType? dtype = null)
    {
        using Scalar from = start, to = stop;
        return arange(from, to, One, dtype, device);
    }

    /// <summary><c>arange(stop)</c>, as TorchSharp's overload does it (int 0 to stop, step int 1).</summary>
    public static Tensor Range(long stop, Device? device = null, ScalarType? dtype = null)
    {
        using Scalar to = stop;
        return arange(Zero, to, One, dtype, device);
    }
}
