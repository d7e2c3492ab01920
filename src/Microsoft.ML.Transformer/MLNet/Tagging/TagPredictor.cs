using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>A row's words with, for each, the most probable class (0-based) and its probability.</summary>
internal sealed record TaggedWords(EntityWord[] Words, int[] Classes, float[] Probabilities);

/// <summary>
/// Batches of windows for the network (padded on the right), and predictions per word: the prediction at a word's
/// first sub-word is the word's.
/// </summary>
internal static class TagPredictor
{
    /// <summary>A padded batch of windows; with <paramref name="classes"/> (per window, one class per word), labels at each word's first sub-word and <see cref="TokenBatch.IgnoreIndex"/> elsewhere.</summary>
    public static TokenBatch Batch(IReadOnlyList<TagWindow> windows, IReadOnlyList<int[]>? classes, Device device)
    {
        int rows = windows.Count, width = windows.Max(w => w.Ids.Length);
        var ids = new long[rows * width];
        var padding = new bool[rows * width];
        var labels = classes is null ? null : Enumerable.Repeat(TokenBatch.IgnoreIndex, rows * width).ToArray();
        var lengths = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            var w = windows[r];
            lengths[r] = w.Ids.Length;
            for (int t = 0; t < width; t++)
            {
                ids[r * width + t] = t < w.Ids.Length ? w.Ids[t] : 0;
                padding[r * width + t] = t >= w.Ids.Length;
            }
            if (labels is not null)
                for (int i = 0; i < w.Positions.Length; i++)
                    labels[r * width + w.Positions[i]] = classes![r][i];
        }
        return new TokenBatch(TokenBatch.Int64(ids, rows, width, device), TokenBatch.Bool(padding, rows, width, device),
            TokenBatch.Int64(lengths, device), Enumerable.Range(0, rows).Select(i => (long)i).ToArray(), (int)lengths.Sum(),
            labels is null ? null : TokenBatch.Int64(labels, rows, width, device));
    }

    /// <summary>Predicts every word of every text, <paramref name="windowsPerPass"/> windows per forward pass, without gradients.</summary>
    public static TaggedWords[] Predict(TokenTaggerModel model, TextTokenizer tokenizer, int maxLength, IReadOnlyList<string> texts, int windowsPerPass)
    {
        var words = texts.Select(EntityWords.Split).ToArray();
        var classes = words.Select(w => new int[w.Length]).ToArray();
        var probabilities = words.Select(w => new float[w.Length]).ToArray();
        var windows = texts.SelectMany((t, r) => TagWindows.Split(tokenizer, maxLength, r, t, words[r])).ToArray();
        using var noGrad = no_grad();
        foreach (var pass in windows.Chunk(Math.Max(1, windowsPerPass)))
        {
            using var scope = NewDisposeScope();
            using var batch = Batch(pass, null, model.Device);
            var (best, index) = model.forward(batch.Ids, batch.PaddingMask).softmax(-1).max(-1);             // [B, T] each
            float[] p = best.to(ScalarType.Float32).cpu().data<float>().ToArray();
            long[] c = index.cpu().data<long>().ToArray();
            int width = (int)batch.Ids.shape[1];
            foreach (var (w, r) in pass.Select((w, r) => (w, r)))
                for (int i = 0; i < w.Positions.Length; i++)
                {
                    classes[w.Row][w.FirstWord + i] = (int)c[r * width + w.Positions[i]];
                    probabilities[w.Row][w.FirstWord + i] = p[r * width + w.Positions[i]];
                }
        }
        return words.Select((w, r) => new TaggedWords(w, classes[r], probabilities[r])).ToArray();
    }
}
