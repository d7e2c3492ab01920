using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>
/// A batch of padded token rows, batch-first. Owns its tensors: dispose it (or move the tensors out) when done.
/// Rows are padded on the right with the pad id (0) to the longest row of the batch, not to MaxLength.
/// </summary>
internal sealed class TokenBatch : IDisposable
{
    /// <summary>
    /// Label value of positions the loss must ignore (padding of token-level labels): -100, the default
    /// <c>ignore_index</c> of <c>cross_entropy</c>. Chosen over the pad id so that predicting pad is never rewarded.
    /// </summary>
    public const long IgnoreIndex = -100;

    public TokenBatch(Tensor ids, Tensor paddingMask, Tensor lengths, long[] rowIndices, int realTokens,
        Tensor? labels = null, Tensor? decoderInput = null, Tensor? decoderPaddingMask = null)
    {
        (Ids, PaddingMask, Lengths, RowIndices, RealTokens) = (ids, paddingMask, lengths, rowIndices, realTokens);
        (Labels, DecoderInput, DecoderPaddingMask) = (labels, decoderInput, decoderPaddingMask);
    }

    /// <summary>[B, T] int64 token ids (encoder input, or the whole input of an encoder-only / causal model).</summary>
    public Tensor Ids { get; }
    /// <summary>[B, T] bool, true where <see cref="Ids"/> is padding.</summary>
    public Tensor PaddingMask { get; }
    /// <summary>[B] int64, real (unpadded) length of each row of <see cref="Ids"/>.</summary>
    public Tensor Lengths { get; }
    /// <summary>The data-view row of each batch row, to put results back in the original order.</summary>
    public long[] RowIndices { get; }
    /// <summary>
    /// Classification: [B] int64 class indices. Sequence-to-sequence and causal LM: [B, U] int64 next-token targets,
    /// <see cref="IgnoreIndex"/> at padding. Null when the batch has no labels.
    /// </summary>
    public Tensor? Labels { get; }
    /// <summary>Sequence-to-sequence: [B, U] int64 decoder input, [BOS] then the target shifted right.</summary>
    public Tensor? DecoderInput { get; }
    /// <summary>Sequence-to-sequence: [B, U] bool, true where <see cref="DecoderInput"/> is padding.</summary>
    public Tensor? DecoderPaddingMask { get; }

    /// <summary>The rows' hashed n-gram bags, when the batcher was asked for them (a wide-and-deep classifier).</summary>
    public NgramBatch? Ngrams { get; init; }

    /// <summary>Rows in the batch.</summary>
    public int Count => RowIndices.Length;
    /// <summary>Non-padding positions of <see cref="Ids"/> (and of the decoder input, if any).</summary>
    public int RealTokens { get; }
    /// <summary>All positions of <see cref="Ids"/> (and of the decoder input, if any), padding included.</summary>
    public long TotalTokens => Ids.numel() + (DecoderInput?.numel() ?? 0);

    public void Dispose()
    {
        Ids.Dispose();
        PaddingMask.Dispose();
        Lengths.Dispose();
        Labels?.Dispose();
        DecoderInput?.Dispose();
        DecoderPaddingMask?.Dispose();
        Ngrams?.Dispose();
    }

    /// <summary>A [rows, cols] int64 tensor on <paramref name="device"/> from a row-major array.</summary>
    internal static Tensor Int64(long[] data, int rows, int cols, Device? device) => Place(torch.tensor(data, [rows, cols]), device);

    /// <summary>A [rows] int64 tensor on <paramref name="device"/>.</summary>
    internal static Tensor Int64(long[] data, Device? device) => Place(torch.tensor(data, [data.Length]), device);

    /// <summary>A [rows] float32 tensor on <paramref name="device"/>.</summary>
    internal static Tensor Float32(float[] data, Device? device) => Place(torch.tensor(data, [data.Length]), device);

    /// <summary>A [rows, cols] bool tensor on <paramref name="device"/>.</summary>
    internal static Tensor Bool(bool[] data, int rows, int cols, Device? device) => Place(torch.tensor(data, [rows, cols]), device);

    private static Tensor Place(Tensor cpu, Device? device)
    {
        if (device is null || device.type == DeviceType.CPU) return cpu;
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
