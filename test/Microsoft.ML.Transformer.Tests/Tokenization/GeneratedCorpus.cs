using System.Text;
using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>
/// Varied text written here, reproducibly for a seed, so that tokenizer and batching tests need no data set: support
/// requests, and sentences over an open vocabulary of made-up words with Zipf-like frequencies (as real words have),
/// numbers, prices, dates, accented letters, CJK, Arabic and emoji, at lengths from two words to a few paragraphs.
/// </summary>
internal static class GeneratedCorpus
{
    private static readonly string[] Common =
    [
        "the", "a", "to", "and", "of", "my", "I", "is", "in", "it", "for", "you", "on", "with", "was", "can", "not",
        "have", "this", "that", "be", "at", "but", "me", "please", "why", "how", "what", "when", "there", "from", "do",
    ];

    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "st", "tr", "ch", "sh", "pl", "gr", ""];
    private static readonly string[] Nuclei = ["a", "e", "i", "o", "u", "ou", "ea", "ai", "é", "ü", "y"];
    private static readonly string[] Codas = ["", "", "", "n", "r", "s", "t", "l", "nd", "ng", "ck", "st"];
    private static readonly string[] Emoji = ["🙂", "👍🏽", "🎉", "😡", "👩‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🚀"];
    private static readonly string[] Arabic = ["مرحبا", "شكرا", "بطاقة", "حساب", "اليوم"];
    private static readonly string[] Punctuation = [".", ".", ".", "!", "?", "...", ";"];

    // Words are made from syllables, so the vocabulary is open-ended and BPE finds real sub-word structure.
    private static readonly string[] Lexicon = MakeLexicon(6000, seed: 424242);

    /// <summary><paramref name="count"/> rows, reproducible for <paramref name="seed"/>.</summary>
    public static string[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var requests = SupportRequests.Unlabelled(count, seed).ToArray();
        var rows = new string[count];
        for (int i = 0; i < count; i++)
            rows[i] = random.NextDouble() < 0.3 ? requests[i] : Prose(random);
        return rows;
    }

    private static string Prose(Random random)
    {
        // Mostly one or two sentences; now and then a long row, as real corpora have.
        int sentences = random.NextDouble() < 0.05 ? random.Next(3, 7) : random.Next(1, 3);
        var text = new StringBuilder();
        for (int s = 0; s < sentences; s++)
        {
            if (s > 0) text.Append(' ');
            Sentence(random, text);
        }
        return text.ToString();
    }

    private static void Sentence(Random random, StringBuilder text)
    {
        int words = random.Next(3, 16);
        for (int w = 0; w < words; w++)
        {
            string word = Word(random);
            if (w == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
            if (w > 0) text.Append(random.NextDouble() < 0.08 ? ", " : " ");
            text.Append(word);
        }
        text.Append(Punctuation[random.Next(Punctuation.Length)]);
        if (random.NextDouble() < 0.1) text.Append(' ').Append(Emoji[random.Next(Emoji.Length)]);
    }

    private static string Word(Random random) => random.NextDouble() switch
    {
        < 0.40 => Common[Zipf(random, Common.Length)],
        < 0.90 => Lexicon[Zipf(random, Lexicon.Length)],
        < 0.94 => random.Next(2) == 0 ? random.Next(1, 10_000).ToString() : $"${random.Next(1, 500)}.{random.Next(100):D2}",
        < 0.96 => $"{random.Next(2000, 2030)}-{random.Next(1, 13):D2}-{random.Next(1, 29):D2}",
        < 0.98 => Cjk(random),
        _ => Arabic[random.Next(Arabic.Length)],
    };

    // Rank r is drawn with probability about 1 / (r + 1): a few words are everywhere, most are rare.
    private static int Zipf(Random random, int n) => Math.Min(n - 1, (int)Math.Floor(Math.Exp(random.NextDouble() * Math.Log(n + 1))) - 1);

    private static string Cjk(Random random)
    {
        var chars = new char[random.Next(2, 6)];
        for (int i = 0; i < chars.Length; i++) chars[i] = (char)(0x4E00 + Zipf(random, 400));
        return new string(chars);
    }

    private static string[] MakeLexicon(int size, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var words = new List<string>(size);   // in the order made: a HashSet's order would change between processes
        while (words.Count < size)
        {
            var word = new StringBuilder();
            int syllables = 1 + Zipf(random, 4);
            for (int s = 0; s < syllables; s++)
                word.Append(Onsets[random.Next(Onsets.Length)]).Append(Nuclei[random.Next(Nuclei.Length)]).Append(Codas[random.Next(Codas.Length)]);
            if (random.NextDouble() < 0.2) word.Append(random.Next(3) switch { 0 => "ing", 1 => "ed", _ => "s" });
            if (seen.Add(word.ToString())) words.Add(word.ToString());
        }
        return [.. words];
    }
}
