using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>
/// Turns a question and its context into the windows the network reads, <c>[CLS] question [SEP] context words [SEP]</c>:
/// the question keeps at most half a window; the context's words (each tokenized on its own, as the entity tagger
/// tokenizes them) are packed whole into as many windows as they need, consecutive windows sharing up to
/// <see cref="QaSettings.Stride"/> tokens. Each window's <see cref="TagWindow.Positions"/> give its words' first sub-words.
/// </summary>
internal static class QaWindows
{
    public static IEnumerable<TagWindow> Split(TextTokenizer tokenizer, QaSettings settings, int row, string question, string context, IReadOnlyList<EntityWord> words)
    {
        int[] q = tokenizer.Encode(question, (settings.MaxLength - 3) / 2, TruncationSide.KeepHead);
        int budget = settings.MaxLength - 3 - q.Length;
        var pieces = words.Select(w => TagWindows.Pieces(tokenizer, context, w, budget)).ToArray();
        int first = 0;
        while (first < pieces.Length)
        {
            int end = first, used = 0;
            while (end < pieces.Length && (end == first || used + pieces[end].Length <= budget))
                used += pieces[end++].Length;
            yield return Window(tokenizer, row, first, q, pieces[first..end]);
            if (end == pieces.Length)
                yield break;
            // Step back over the words the next window shares with this one; it always starts at least one word later.
            int next = end, shared = 0;
            while (next - 1 > first && shared + pieces[next - 1].Length <= settings.Stride)
                shared += pieces[--next].Length;
            first = next;
        }
    }

    private static TagWindow Window(TextTokenizer tokenizer, int row, int first, int[] question, int[][] pieces)
    {
        var ids = new List<int>(question.Length + 3 + pieces.Sum(p => p.Length)) { tokenizer.Specials.Classification };
        ids.AddRange(question);
        ids.Add(tokenizer.Specials.Separator);
        var positions = new int[pieces.Length];
        for (int w = 0; w < pieces.Length; w++)
        {
            positions[w] = ids.Count;
            ids.AddRange(pieces[w]);
        }
        ids.Add(tokenizer.Specials.Separator);
        return new TagWindow(row, first, [.. ids], positions);
    }
}
