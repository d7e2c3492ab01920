using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// Runs a network over texts with an <see cref="AttentionRecorder"/> and cuts the recorded [B, H, Tq, Tk] weights
/// into one <see cref="AttentionExplanation"/> per text, over that text's own tokens. The source side is framed as
/// the component that owns the network frames it (<paramref name="layout"/>); the decoder of an encoder-decoder
/// network reads "&lt;bos&gt;" then the target, as in training.
/// </summary>
internal sealed class AttentionExtractor(TextNetwork network, TextTokenizer tokenizer, BatchLayout layout, int maxLength,
    TruncationSide truncation = TruncationSide.KeepHead)
{
    private readonly BatchLayout _layout = layout == BatchLayout.Pair ? BatchLayout.Single : layout;
    private readonly int _maxLength = PositionTableFit.CapInput(maxLength, network.Options);

    /// <summary>One explanation per text; <paramref name="targets"/> (one per text, entries may be null) only for an encoder-decoder network.</summary>
    public AttentionExplanation[] Explain(IReadOnlyList<string> texts, IReadOnlyList<string?>? targets = null)
    {
        using var recorded = Record(texts, targets);
        return Enumerable.Range(0, texts.Count).Select(recorded.Explanation).ToArray();
    }

    /// <summary>The padded batch's recorded weights, before they are cut per row.</summary>
    public RecordedAttention Record(IReadOnlyList<string> texts, IReadOnlyList<string?>? targets = null)
    {
        bool decode = targets is not null && targets.Any(t => t is not null);
        if (decode && !(network.HasEncoder && network.HasDecoder))
            throw new ArgumentException(network.HasEncoder
                ? "This network has no decoder: attention over a target needs an encoder-decoder network."
                : "A decoder-only network reads one sequence: put the whole text in the text, without a target.", nameof(targets));
        if (targets is not null && targets.Count != texts.Count)
            throw new ArgumentException($"Expected one target per text ({texts.Count}); got {targets.Count}.", nameof(targets));

        var framing = new SequenceEncoder(tokenizer, _layout, _maxLength, truncation); // one per call: it counts rows, so it is not shared across threads
        int[][] source = texts.Select((t, i) => framing.Encode(new TextRow(i, t ?? "")).Input).ToArray();
        int[][]? target = decode ? targets!.Select(Decoded).ToArray() : null;
        var recorder = new AttentionRecorder();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, padding) = Pad(source);
            if (!network.HasEncoder)
            {
                network.Decode(ids, null, null, padding, recorder);
            }
            else
            {
                var memory = network.Encode(ids, padding, recorder);
                if (target is not null)
                {
                    var (targetIds, targetPadding) = Pad(target);
                    network.Decode(targetIds, memory, padding, targetPadding, recorder);
                }
            }
        }
        catch
        {
            recorder.Dispose();
            throw;
        }
        var hasTarget = targets?.Select(t => t is not null).ToArray();
        return new RecordedAttention(recorder, source, target, hasTarget, ids => TokenLabels.For(tokenizer, ids));
    }

    // The decoder input: <bos> then the target's ids, at most MaxLength in all.
    private int[] Decoded(string? target)
    {
        int[] ids = tokenizer.Encode(target ?? "", Math.Max(0, _maxLength - 1), TruncationSide.KeepHead);
        return [tokenizer.Specials.Begin, .. ids];
    }

    private (Tensor Ids, Tensor Padding) Pad(int[][] rows)
    {
        int b = rows.Length, t = Math.Max(1, rows.Max(r => r.Length));
        var ids = new long[b * t];
        var padding = new bool[b * t];
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < rows[i].Length; j++) ids[i * t + j] = rows[i][j];
            padding.AsSpan(i * t + rows[i].Length, t - rows[i].Length).Fill(true);
        }
        return (TokenBatch.Int64(ids, b, t, network.Device), TokenBatch.Bool(padding, b, t, network.Device));
    }
}
