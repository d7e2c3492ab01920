using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Byte-level BPE as Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> expects it: every UTF-8 byte is written as
/// one printable character (GPT-2's alphabet, space = 'Ġ'), a token is a string of those characters, and a merge is
/// the line "left right". Ids 0..255 are the bytes themselves, so the plain byte tokenizer is this with no merges.
/// </summary>
internal static partial class ByteLevelBpe
{
    /// <summary>The printable character standing for each byte value (GPT-2's bytes_to_unicode).</summary>
    public static readonly char[] ByteToChar = BuildAlphabet();

    // GPT-2's pre-tokenizer: words keep their leading space, digits and punctuation are split off. Without a regex
    // pre-tokenizer BpeTokenizer falls back to whitespace splitting and drops the spaces (not lossless).
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    public static partial Regex WordPattern();

    private static char[] BuildAlphabet()
    {
        // Printable Latin-1 bytes stand for themselves; the rest (controls, space, soft hyphen) move to 256 and up.
        var map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            map[b] = printable ? (char)b : (char)(256 + next++);
        }
        return map;
    }

    /// <summary>The token string of a byte sequence.</summary>
    public static string ToToken(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>
    /// Builds the vocabulary implied by a merge list: the 256 bytes at ids 0..255, then each merge's result in merge
    /// order. Two merges can spell the same token ("ab c" and "a bc"); the token keeps its first id.
    /// </summary>
    public static Dictionary<string, int> VocabularyFromMerges(IReadOnlyList<(string Left, string Right)> merges)
    {
        var vocab = new Dictionary<string, int>(256 + merges.Count, StringComparer.Ordinal);
        for (int b = 0; b < 256; b++) vocab[ByteToChar[b].ToString()] = b;
        foreach (var (left, right) in merges)
            vocab.TryAdd(left + right, vocab.Count);
        return vocab;
    }

    /// <summary>A byte-level <see cref="BpeTokenizer"/> over a vocabulary and merges, built in memory.</summary>
    public static BpeTokenizer Create(IEnumerable<KeyValuePair<string, int>> vocabulary, IEnumerable<string> merges, bool byteLevel = true) =>
        BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = byteLevel,
            PreTokenizer = new RegexPreTokenizer(WordPattern(), null),
        });

    /// <summary>A byte-level <see cref="BpeTokenizer"/> from a learned merge list.</summary>
    public static BpeTokenizer Create(IReadOnlyList<(string Left, string Right)> merges) =>
        Create(VocabularyFromMerges(merges), merges.Select(m => m.Left + " " + m.Right));

    /// <summary>
    /// Replaces every lone UTF-16 surrogate with U+FFFD, so it encodes as the three bytes of U+FFFD and decodes as
    /// exactly one U+FFFD (left alone, the library writes a lone surrogate as three bytes that decode as three).
    /// Returns the string itself when it has nothing to replace.
    /// </summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        int i = FirstLoneSurrogate(text);
        if (i < 0) return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else
            {
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.ToString();
    }

    private static int FirstLoneSurrogate(string text)
    {
        // Fast path: almost every text has no surrogate at all.
        int first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0) return -1;
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            return i;
        }
        return -1;
    }
}
