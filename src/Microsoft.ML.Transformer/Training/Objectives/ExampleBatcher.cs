using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Batching;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// Examples → padded batches, lazily and in bounded memory, as <see cref="Batcher"/> does for rows: an optional seeded
/// shuffle buffer, then windows of <see cref="WindowBatches"/> batches sorted by length so that a batch holds examples
/// of like length, then (when shuffling) the batches of a window in random order.
/// </summary>
internal sealed class ExampleBatcher(int batchSize, int maxTokensPerBatch, Device? device)
{
    /// <summary>Examples the shuffle buffer holds.</summary>
    public const int ShuffleBufferExamples = 10_000;

    /// <summary>Batches per length-sorted window.</summary>
    public const int WindowBatches = 50;

    /// <summary>One pass; <paramref name="shuffle"/> null keeps the order (within length-sorted windows).</summary>
    public IEnumerable<PretrainingBatch> Batches(IEnumerable<PretrainingExample> examples, Random? shuffle)
    {
        if (shuffle is not null) examples = ShuffleBuffer.Shuffle(examples, ShuffleBufferExamples, shuffle);
        foreach (var window in examples.Chunk(WindowBatches * batchSize))
        {
            var ordered = window.OrderBy(e => e.Length).ToArray(); // stable: equal lengths keep their order
            var groups = BatchCuts.Cut(ordered, e => e.Length, batchSize, maxTokensPerBatch);
            if (shuffle is not null) shuffle.Shuffle(CollectionsMarshal.AsSpan(groups));
            foreach (var (start, count) in groups)
                yield return Build(ordered.AsSpan(start, count));
        }
    }

    /// <summary>Pads to the batch's longest example: ids with the pad id 0, labels with the ignore index.</summary>
    public PretrainingBatch Build(ReadOnlySpan<PretrainingExample> rows)
    {
        int b = rows.Length, t = 0, u = 0;
        foreach (var r in rows)
        {
            t = Math.Max(t, r.Input.Length);
            u = Math.Max(u, r.DecoderInput?.Length ?? 0);
        }
        bool seq2seq = u > 0;
        int labelWidth = seq2seq ? u : t;
        var ids = new long[b * t];
        var padding = new bool[b * t];
        var lengths = new long[b];
        var rowIndices = new long[b];
        var labels = new long[b * labelWidth];
        var decoderInput = seq2seq ? new long[b * u] : null;
        var decoderPadding = seq2seq ? new bool[b * u] : null;
        Array.Fill(labels, TokenBatch.IgnoreIndex);
        int real = 0, realInput = 0;
        long targets = 0;
        for (int i = 0; i < b; i++)
        {
            var r = rows[i];
            Copy(r.Input, ids, i * t);
            padding.AsSpan(i * t + r.Input.Length, t - r.Input.Length).Fill(true);
            Copy(r.Labels, labels, i * labelWidth);
            if (seq2seq)
            {
                Copy(r.DecoderInput!, decoderInput!, i * u);
                decoderPadding.AsSpan(i * u + r.DecoderInput!.Length, u - r.DecoderInput.Length).Fill(true);
            }
            lengths[i] = r.Input.Length;
            rowIndices[i] = r.Row;
            real += r.Length;
            realInput += r.Input.Length;
            targets += r.Targets;
        }
        var tokens = new TokenBatch(TokenBatch.Int64(ids, b, t, device), TokenBatch.Bool(padding, b, t, device),
            TokenBatch.Int64(lengths, device), rowIndices, real,
            labels: TokenBatch.Int64(labels, b, labelWidth, device),
            decoderInput: seq2seq ? TokenBatch.Int64(decoderInput!, b, u, device) : null,
            decoderPaddingMask: seq2seq ? TokenBatch.Bool(decoderPadding!, b, u, device) : null);
        return new PretrainingBatch(tokens, targets, InputPadded: realInput < b * t);
    }

    private static void Copy(int[] source, long[] destination, int offset)
    {
        for (int j = 0; j < source.Length; j++) destination[offset + j] = source[j];
    }
}
