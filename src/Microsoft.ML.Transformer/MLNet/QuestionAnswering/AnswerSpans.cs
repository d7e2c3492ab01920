using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>An answer found in a context: its first character, its length in characters, its score.</summary>
internal readonly record struct FoundAnswer(int Start, int Length, float Score);

/// <summary>
/// A batch of windows, where a span may start or end (position 0, [CLS], stands for "not in this window"; every other
/// allowed position is a context word's first sub-word) and, for training, the start and end positions to learn.
/// </summary>
internal sealed record AnswerBatch(TokenBatch Tokens, Tensor Allowed, Tensor? Starts, Tensor? Ends, long Windows) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Allowed.Dispose();
        Starts?.Dispose();
        Ends?.Dispose();
    }
}

/// <summary>
/// The network's two outputs at each position are the scores of a span starting and ending there; this class batches
/// windows, turns those scores into probabilities over the allowed positions, and searches every window of a context
/// for its best spans, mapped back to characters of the context.
/// </summary>
internal static class AnswerSpans
{
    /// <summary>A padded batch of <paramref name="windows"/>, with the (start, end) positions to learn when <paramref name="targets"/> is given.</summary>
    public static AnswerBatch Batch(IReadOnlyList<TagWindow> windows, IReadOnlyList<(int Start, int End)>? targets, Device device)
    {
        var tokens = TagPredictor.Batch(windows, null, device);
        int width = windows.Max(w => w.Ids.Length);
        var allowed = new bool[windows.Count * width];
        for (int r = 0; r < windows.Count; r++)
        {
            allowed[r * width] = true;
            foreach (int p in windows[r].Positions) allowed[r * width + p] = true;
        }
        return new AnswerBatch(tokens, TokenBatch.Bool(allowed, windows.Count, width, device),
            targets is null ? null : TokenBatch.Int64(targets.Select(t => (long)t.Start).ToArray(), device),
            targets is null ? null : TokenBatch.Int64(targets.Select(t => (long)t.End).ToArray(), device), windows.Count);
    }

    /// <summary>Log-probabilities of a span starting and of one ending at each position, [B, T] each, zero probability where no span may start or end.</summary>
    public static (Tensor Start, Tensor End) LogProbabilities(TokenTaggerModel model, AnswerBatch batch)
    {
        var logits = model.forward(batch.Tokens.Ids, batch.Tokens.PaddingMask).to(ScalarType.Float32);     // [B, T, 2]
        var blocked = batch.Allowed.logical_not();
        var start = logits.select(-1, 0).FilledWhere(blocked, Scalars.NegativeInfinity).log_softmax(-1);
        var end = logits.select(-1, 1).FilledWhere(blocked, Scalars.NegativeInfinity).log_softmax(-1);
        return (start, end);
    }

    /// <summary>The training loss of a batch: the mean of the start and end positions' cross-entropies.</summary>
    public static Tensor Loss(TokenTaggerModel model, AnswerBatch batch)
    {
        var (start, end) = LogProbabilities(model, batch);
        var sum = nn.functional.nll_loss(start, batch.Starts!).Plus(nn.functional.nll_loss(end, batch.Ends!));
        return Scalars.With(2, s => sum.div(s));
    }

    /// <summary>The best answers of each row, best first (at most the settings' TopK; none for a context without words).</summary>
    public static FoundAnswer[][] Find(TokenTaggerModel model, TextTokenizer tokenizer, QaSettings settings, IReadOnlyList<string> contexts, IReadOnlyList<string> questions)
    {
        var words = contexts.Select(EntityWords.Split).ToArray();
        var windows = contexts.SelectMany((c, r) => QaWindows.Split(tokenizer, settings, r, questions[r], c, words[r])).ToArray();
        var candidates = contexts.Select(_ => new Dictionary<(int, int), float>()).ToArray();
        using var noGrad = no_grad();
        foreach (var pass in windows.Chunk(settings.ScoringBatchSize))
        {
            using var scope = NewDisposeScope();
            using var batch = Batch(pass, null, model.Device);
            var (start, end) = LogProbabilities(model, batch);
            float[] s = start.cpu().data<float>().ToArray(), e = end.cpu().data<float>().ToArray();
            int width = (int)start.shape[1];
            for (int b = 0; b < pass.Length; b++)
                Spans(pass[b], words[pass[b].Row], s.AsSpan(b * width, width), e.AsSpan(b * width, width), settings.MaxAnswerWords, candidates[pass[b].Row]);
        }
        return candidates.Select(c => c.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1).Take(settings.TopK)
            .Select(p => new FoundAnswer(p.Key.Item1, p.Key.Item2 - p.Key.Item1, p.Value)).ToArray()).ToArray();
    }

    /// <summary>Adds the window's spans (first word to last word, at most <paramref name="maxWords"/>) to <paramref name="best"/>, keeping each span's best score over windows.</summary>
    private static void Spans(TagWindow window, EntityWord[] words, ReadOnlySpan<float> start, ReadOnlySpan<float> end, int maxWords, Dictionary<(int, int), float> best)
    {
        var p = window.Positions;
        for (int i = 0; i < p.Length; i++)
            for (int j = i; j < p.Length && j < i + maxWords; j++)
            {
                float score = MathF.Exp(start[p[i]] + end[p[j]]);
                var key = (words[window.FirstWord + i].Start, words[window.FirstWord + j].End);
                if (!best.TryGetValue(key, out float seen) || score > seen)
                    best[key] = score;
            }
    }
}
