using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>Token ids → vectors, optionally scaled by sqrt(d_model) as in the paper.</summary>
internal sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // [V, D]
    private readonly double scale;

    public TokenEmbedding(long vocabularySize, long dimension, bool scaleBySqrtDimension) : base(nameof(TokenEmbedding))
    {
        weight = new Parameter(zeros(vocabularySize, dimension));
        // Scaling keeps token vectors comparable in size to the position signal (entries of magnitude ~1).
        scale = scaleBySqrtDimension ? Math.Sqrt(dimension) : 1.0;
        RegisterComponents();
    }

    /// <summary>The embedding matrix [V, D]; the output head reuses it when embeddings are tied.</summary>
    public Parameter Weight => weight;

    /// <summary>ids [..] (int64) → [.., D].</summary>
    public override Tensor forward(Tensor ids)
    {
        // index_select on the flattened ids is the embedding lookup; its backward scatters into the rows used.
        var flat = weight.index_select(0, ids.reshape(-1));          // [N, D]
        var shaped = flat.view([.. ids.shape, weight.shape[1]]);     // [.., D]
        return scale == 1.0 ? shaped : shaped.Times(scale);
    }
}

/// <summary>Position vectors to add to token embeddings: rows [offset, offset + length) of a table.</summary>
internal abstract class PositionTable : nn.Module
{
    protected PositionTable(string name) : base(name) { }

    /// <summary>Longest supported sequence.</summary>
    public abstract long MaxLength { get; }

    /// <summary>The vectors of positions offset … offset + length − 1: [length, D].</summary>
    public abstract Tensor At(long offset, long length);

    /// <summary>The table for <paramref name="options"/>, or null for <see cref="PositionalEncoding.None"/>.</summary>
    public static PositionTable? Create(ModelOptions options) => options.PositionalEncoding switch
    {
        PositionalEncoding.Sinusoidal => new SinusoidalPositions(options.MaxLength, options.ModelDimension, options.AllowLengthExtrapolation),
        PositionalEncoding.Learned => new LearnedPositions(options.MaxLength, options.ModelDimension),
        _ => null,
    };

    /// <summary>Detaches tensors the module keeps outside its parameters from every dispose scope (after a move).</summary>
    public virtual void KeepTensors() { }

    protected void CheckRange(long offset, long length) => CheckLength(offset + length, MaxLength, extrapolate: false);

    /// <summary>
    /// Refuses a sequence of <paramref name="length"/> positions beyond <paramref name="maxLength"/> unless the
    /// model may extrapolate (<see cref="ModelOptions.AllowLengthExtrapolation"/>).
    /// </summary>
    public static void CheckLength(long length, long maxLength, bool extrapolate)
    {
        if (length > maxLength && !extrapolate)
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"Sequence length ({length}) exceeds {nameof(ModelOptions.MaxLength)} ({maxLength}), the longest the model " +
                $"was built for. Shorten the input, or, with {nameof(PositionalEncoding.Sinusoidal)}, " +
                $"{nameof(PositionalEncoding.Rotary)} or {nameof(PositionalEncoding.None)} positions, set {nameof(ModelOptions.AllowLengthExtrapolation)} to accept it.");
    }
}

/// <summary>
/// The fixed table of "Attention Is All You Need": PE(pos, 2i) = sin(pos / 10000^(2i/d)),
/// PE(pos, 2i+1) = cos(pos / 10000^(2i/d)). Not saved with the weights: it is recomputed from the options.
/// </summary>
/// <remarks>
/// The table is a plain field, not a registered buffer (it is no state to save); TorchSharp still moves tensor fields
/// with the module. The module owns it: it belongs to no dispose scope and is freed with the module.
/// </remarks>
internal sealed class SinusoidalPositions : PositionTable
{
    private Tensor table; // [MaxLength, D]
    private readonly bool extrapolate;

    public SinusoidalPositions(long maxLength, long dimension, bool extrapolate = false) : base(nameof(SinusoidalPositions))
    {
        table = Table(maxLength, dimension).DetachFromDisposeScope();
        this.extrapolate = extrapolate;
    }

    public override void KeepTensors() => table.DetachFromDisposeScope();

    protected override void Dispose(bool disposing)
    {
        if (disposing) table.Dispose();
        base.Dispose(disposing);
    }

    public override long MaxLength => table.shape[0];

    public override Tensor At(long offset, long length)
    {
        if (offset + length <= MaxLength) return table.narrow(0, offset, length);
        CheckLength(offset + length, MaxLength, extrapolate);
        // The formula holds at any position: compute the longer table for this call (O(T·D), small next to attention).
        return Table(offset + length, table.shape[1]).to(table.device).narrow(0, offset, length);
    }

    /// <summary>The table itself, [maxLength, dimension], float32; computed in float64 for exactness.</summary>
    public static Tensor Table(long maxLength, long dimension)
    {
        using var scope = NewDisposeScope();
        var angle = Angles(maxLength, dimension);                                             // [L, ceil(D/2)]
        var pe = zeros(maxLength, dimension, dtype: ScalarType.Float64);
        pe[.., TensorIndex.Slice(0, null, 2)] = sin(angle);
        // With odd D the last even column has no cosine partner.
        pe[.., TensorIndex.Slice(1, null, 2)] = cos(angle).narrow(1, 0, dimension / 2);
        return pe.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The paper's angles pos / 10000^(2i/d) for positions 0 … length − 1 and i = 0 … ceil(d/2) − 1, float64
    /// [length, ceil(d/2)]; also the rotation angles of <see cref="RotaryPositions"/> (with d the head dimension).
    /// </summary>
    public static Tensor Angles(long length, long dimension)
    {
        var position = Scalars.Range(length, dtype: ScalarType.Float64).unsqueeze(1);         // [L, 1]
        using Scalar stop = dimension;
        var evenIndex = arange(Scalars.Zero, stop, Scalars.Two, ScalarType.Float64);          // [ceil(D/2)] = 2i
        return position * exp(evenIndex.Times(-Math.Log(10000.0) / dimension)).unsqueeze(0);  // [L, ceil(D/2)]
    }
}

/// <summary>One trained vector per position (GPT-2, BERT).</summary>
internal sealed class LearnedPositions : PositionTable
{
    private readonly Parameter weight; // [MaxLength, D]

    public LearnedPositions(long maxLength, long dimension) : base(nameof(LearnedPositions))
    {
        weight = new Parameter(zeros(maxLength, dimension));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override long MaxLength => weight.shape[0];

    public override Tensor At(long offset, long length)
    {
        CheckRange(offset, length);
        return weight.narrow(0, offset, length);
    }
}
