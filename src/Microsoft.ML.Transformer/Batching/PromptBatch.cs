using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>
/// Turns a sequence-to-sequence batch into the batch of a decoder-only model that continues prompts: each row becomes
/// <c>[BOS] source [SEP] target</c>, with labels only on the continuation (<c>target [EOS]</c>, the prompt's positions
/// set to <see cref="TokenBatch.IgnoreIndex"/>), so the model learns to answer, not to predict its prompts.
/// </summary>
internal static class PromptBatch
{
    /// <summary>A new batch (the input is left to its owner): Ids [B, L], PaddingMask [B, L], Labels [B, L].</summary>
    /// <param name="seq2seq">A batch of <see cref="BatchLayout.Seq2Seq"/> (encoder <c>source [EOS]</c>, decoder <c>[BOS] target</c>).</param>
    /// <param name="specials">The tokenizer's special tokens.</param>
    public static TokenBatch FromSeq2Seq(TokenBatch seq2seq, SpecialTokens specials)
    {
        if (seq2seq.DecoderInput is null || seq2seq.DecoderPaddingMask is null)
            throw new ArgumentException("A sequence-to-sequence batch (with a decoder input) is needed.", nameof(seq2seq));
        int b = seq2seq.Count, s = (int)seq2seq.Ids.shape[1], u = (int)seq2seq.DecoderInput.shape[1];
        long[] sources = seq2seq.Ids.cpu().data<long>().ToArray();
        long[] sourceLengths = seq2seq.Lengths.cpu().data<long>().ToArray();
        long[] targets = seq2seq.DecoderInput.cpu().data<long>().ToArray();
        bool[] targetPadding = seq2seq.DecoderPaddingMask.cpu().data<bool>().ToArray();

        var rows = new (long[] Ids, long[] Labels)[b];
        for (int i = 0; i < b; i++)
        {
            var prompt = sources.AsSpan(i * s, (int)sourceLengths[i] - 1);                 // without the source's [EOS]
            int targetLength = 0;                                                             // [BOS] y, unpadded
            while (targetLength < u && !targetPadding[i * u + targetLength]) targetLength++;
            var target = targets.AsSpan(i * u + 1, targetLength - 1);                         // y
            long[] ids = [specials.Begin, .. prompt, specials.Separator, .. target];
            var labels = new long[ids.Length];
            Array.Fill(labels, TokenBatch.IgnoreIndex, 0, prompt.Length + 1);
            target.CopyTo(labels.AsSpan(prompt.Length + 1));
            labels[^1] = specials.End;
            rows[i] = (ids, labels);
        }

        int width = rows.Max(r => r.Ids.Length);
        var flatIds = new long[b * width];
        var flatLabels = new long[b * width];
        var padding = new bool[b * width];
        var lengths = new long[b];
        Array.Fill(flatLabels, TokenBatch.IgnoreIndex);
        int real = 0;
        for (int i = 0; i < b; i++)
        {
            rows[i].Ids.CopyTo(flatIds, i * width);
            rows[i].Labels.CopyTo(flatLabels, i * width);
            padding.AsSpan(i * width + rows[i].Ids.Length, width - rows[i].Ids.Length).Fill(true);
            lengths[i] = rows[i].Ids.Length;
            real += rows[i].Ids.Length;
        }
        var device = seq2seq.Ids.device;
        return new TokenBatch(TokenBatch.Int64(flatIds, b, width, device), TokenBatch.Bool(padding, b, width, device),
            TokenBatch.Int64(lengths, device), seq2seq.RowIndices, real, labels: TokenBatch.Int64(flatLabels, b, width, device));
    }
}
