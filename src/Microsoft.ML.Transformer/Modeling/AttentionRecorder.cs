using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// Collects the attention probabilities of every layer and head during one forward pass. Passing a recorder switches
/// attention to the written-out form (softmax(QKᵀ/√d + mask)) for that pass only; without one the fused kernel runs
/// and nothing is kept. Each tensor is [B, H, Tq, Tk], float32, rows summing to 1 over the keys the query may see
/// and exactly 0 on masked keys (see <see cref="AttentionMasks"/> for queries that may see no key).
/// The recorder owns its tensors: they survive the caller's dispose scope and are freed by <see cref="Dispose"/>.
/// </summary>
internal sealed class AttentionRecorder : IDisposable
{
    private readonly List<Tensor> encoderSelf = [];
    private readonly List<Tensor> decoderSelf = [];
    private readonly List<Tensor> cross = [];

    /// <summary>Encoder self-attention, one entry per encoder layer, lowest first.</summary>
    public IReadOnlyList<Tensor> EncoderSelf => encoderSelf;

    /// <summary>Decoder self-attention (causal), one entry per decoder layer.</summary>
    public IReadOnlyList<Tensor> DecoderSelf => decoderSelf;

    /// <summary>Decoder-to-encoder attention, one entry per decoder layer (empty without an encoder).</summary>
    public IReadOnlyList<Tensor> Cross => cross;

    internal Action<Tensor> Sink(AttentionKind kind) => kind switch
    {
        AttentionKind.EncoderSelf => p => encoderSelf.Add(Keep(p)),
        AttentionKind.DecoderSelf => p => decoderSelf.Add(Keep(p)),
        _ => p => cross.Add(Keep(p)),
    };

    // A detached copy that belongs to no dispose scope: the recorder frees it.
    private static Tensor Keep(Tensor probabilities) => probabilities.detach().clone().DetachFromDisposeScope();

    /// <summary>Frees every recorded tensor and empties the lists.</summary>
    public void Clear()
    {
        foreach (var t in encoderSelf.Concat(decoderSelf).Concat(cross)) t.Dispose();
        encoderSelf.Clear();
        decoderSelf.Clear();
        cross.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => Clear();
}

/// <summary>Which attention of a layer a recorded tensor comes from.</summary>
internal enum AttentionKind
{
    EncoderSelf,
    DecoderSelf,
    Cross,
}
