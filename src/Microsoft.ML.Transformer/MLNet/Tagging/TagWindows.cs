using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>
/// A piece of a text the network reads at once: <c>[CLS] sub-words [SEP]</c> of whole words, and where each word's
/// first sub-word sits (the position whose prediction is the word's).
/// </summary>
/// <param name="Row">The row the words come from.</param>
/// <param name="FirstWord">The index in its row of the window's first word.</param>
/// <param name="Ids">The token ids, special tokens included.</param>
/// <param name="Positions">For each word of the window, the position of its first sub-word in <paramref name="Ids"/>.</param>
internal sealed record TagWindow(int Row, int FirstWord, int[] Ids, int[] Positions);

/// <summary>
/// Turns words into windows: each word is tokenized on its own (with the space before it when the text has one, as
/// the tokenizer saw it in running text), and whole words are packed into windows of at most MaxLength tokens, so a
/// text of any length is read in full. A word longer than a window keeps its first sub-words.
/// </summary>
internal static class TagWindows
{
    public static IEnumerable<TagWindow> Split(TextTokenizer tokenizer, int maxLength, int row, string text, IReadOnlyList<EntityWord> words)
    {
        int budget = maxLength - 2;
        var ids = new List<int>();
        var positions = new List<int>();
        int first = 0;
        for (int w = 0; w < words.Count; w++)
        {
            int[] pieces = Pieces(tokenizer, text, words[w], budget);
            if (ids.Count + pieces.Length > budget && positions.Count > 0)
            {
                yield return Window(tokenizer, row, first, ids, positions);
                (ids, positions, first) = ([], [], w);
            }
            positions.Add(ids.Count + 1);
            ids.AddRange(pieces);
        }
        if (positions.Count > 0)
            yield return Window(tokenizer, row, first, ids, positions);
    }

    /// <summary>The sub-words of one word (at most <paramref name="budget"/>), read as running text reads it; never empty.</summary>
    internal static int[] Pieces(TextTokenizer tokenizer, string text, EntityWord word, int budget)
    {
        bool spaced = word.Start > 0 && char.IsWhiteSpace(text[word.Start - 1]);
        int[] pieces = tokenizer.Encode(spaced ? " " + word.Text : word.Text, budget, TruncationSide.KeepHead);
        // A tokenizer that drops every character of a word still gives the word a position to be predicted at.
        return pieces.Length == 0 ? [tokenizer.Specials.Unknown] : pieces;
    }

    private static TagWindow Window(TextTokenizer tokenizer, int row, int first, List<int> ids, List<int> positions) =>
        new(row, first, [tokenizer.Specials.Classification, .. ids, tokenizer.Specials.Separator], [.. positions]);
}
