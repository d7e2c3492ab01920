using System.Globalization;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>A word of a text: where it starts (in UTF-16 characters) and its text.</summary>
/// <param name="Start">The index of its first character in the text.</param>
/// <param name="Text">The word itself.</param>
public readonly record struct EntityWord(int Start, string Text)
{
    /// <summary>The index just past its last character.</summary>
    public int End => Start + Text.Length;
}

/// <summary>
/// How the entity tagger splits a text into the words its label vector has one label for: a word is a run of letters,
/// digits and combining marks, and every other character that is not white space is a word by itself. So
/// "The Eagle, near Café Rouge." is The | Eagle | , | near | Café | Rouge | . (seven words, seven labels).
/// </summary>
public static class EntityWords
{
    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static EntityWord[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<EntityWord>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text, i))
            {
                i++;
                continue;
            }
            int start = i;
            if (IsWordChar(text, i))
                while (i < text.Length && IsWordChar(text, i)) i += Width(text, i);
            else
                i += Width(text, i);
            words.Add(new EntityWord(start, text[start..i]));
        }
        return [.. words];
    }

    /// <summary>
    /// The label of each word of <paramref name="text"/> given its entities as character spans: the first word an
    /// entity touches gets <c>B-type</c> (with <paramref name="io"/>, <c>I-type</c>), the others it touches
    /// <c>I-type</c>, every other word <c>O</c>. Turns span annotations into the label vector the tagger learns from.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="entities">The entities: first character, length in characters, type; they must not overlap.</param>
    /// <param name="io">Whether to write IO labels instead of BIO ones.</param>
    /// <exception cref="ArgumentException">An entity is outside the text, covers no word, or shares a word with another.</exception>
    public static string[] Labels(string text, IEnumerable<(int Start, int Length, string Type)> entities, bool io = false)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var words = Split(text);
        var labels = Enumerable.Repeat(Evaluation.EntitySpans.Outside, words.Length).ToArray();
        foreach (var (start, length, type) in entities)
        {
            if (start < 0 || length <= 0 || start + length > text.Length || string.IsNullOrEmpty(type))
                throw new ArgumentException($"Entity ({start}, {length}, '{type}') is not a non-empty typed span of the {text.Length}-character text.", nameof(entities));
            var touched = Enumerable.Range(0, words.Length).Where(w => words[w].Start < start + length && words[w].End > start).ToArray();
            if (touched.Length == 0)
                throw new ArgumentException($"Entity ({start}, {length}, '{type}') covers no word of the text.", nameof(entities));
            foreach (int w in touched)
            {
                if (labels[w] != Evaluation.EntitySpans.Outside)
                    throw new ArgumentException($"Entity ({start}, {length}, '{type}') shares word {w} ('{words[w].Text}') with another entity.", nameof(entities));
                labels[w] = (w == touched[0] && !io ? "B-" : "I-") + type;
            }
        }
        return labels;
    }

    private static int Width(string text, int i) => char.IsSurrogatePair(text, i) ? 2 : 1;

    private static bool IsWordChar(string text, int i) => char.IsLetterOrDigit(text, i) || CharUnicodeInfo.GetUnicodeCategory(text, i)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
