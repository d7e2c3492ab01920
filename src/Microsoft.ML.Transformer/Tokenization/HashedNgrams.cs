namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// A text as a bag of hashed n-grams, the classic linear text model's features: lower-cased word n-grams (words are
/// runs of letters and digits; any other visible character is a word of its own) and character n-grams of the
/// whitespace-collapsed text, each part's counts scaled to the same L2 norm (<see cref="PartNorm"/>), hashed into
/// <see cref="Buckets"/> ids. The hash is
/// the library's own (FNV-1a over UTF-16 code units), so a saved model computes the same ids on every machine.
/// </summary>
internal sealed record HashedNgrams(int Buckets, int WordLength, int CharLength)
{
    private const uint FnvOffset = 2166136261, FnvPrime = 16777619;

    // Seeds keep a word n-gram and a character n-gram of the same letters apart.
    private const uint WordSeed = FnvOffset, CharSeed = FnvOffset ^ 0x9E3779B9;

    /// <summary>
    /// The L2 norm of each part's counts. Above 1 because the optimiser moves every weight by about the learning rate
    /// a step whatever its input: unit-norm inputs would leave the n-grams' logits far behind the network's.
    /// </summary>
    internal const float PartNorm = 10;

    private const char WordJoin = '\u0001', TextStart = '\u0002', TextEnd = '\u0003';

    /// <summary>One row's bag: bucket ids and their weights, the same length.</summary>
    public readonly record struct Bag(long[] Ids, float[] Weights);

    /// <summary>The bag of one text, or of a pair's two texts together.</summary>
    public Bag Featurize(string text, string? second = null)
    {
        var counts = new Dictionary<long, float>();
        AddNormalised(counts, WordHashes(text, second));
        AddNormalised(counts, CharHashes(text, second));
        return new Bag([.. counts.Keys], [.. counts.Values]);
    }

    /// <summary>Every n-gram's full 32-bit hash, before bucketing (to count distinct n-grams).</summary>
    public IEnumerable<uint> Hashes(string text, string? second = null) => WordHashes(text, second).Concat(CharHashes(text, second));

    /// <summary>Adds one part's counts, scaled to the L2 norm <see cref="PartNorm"/>, to the bag.</summary>
    private void AddNormalised(Dictionary<long, float> bag, IEnumerable<uint> hashes)
    {
        var part = new Dictionary<long, float>();
        foreach (uint h in hashes)
        {
            long id = h % (uint)Buckets;
            part[id] = part.GetValueOrDefault(id) + 1;
        }
        double scale = PartNorm / Math.Sqrt(part.Values.Sum(c => (double)c * c));
        foreach (var (id, count) in part)
            bag[id] = bag.GetValueOrDefault(id) + (float)(count * scale);
    }

    private IEnumerable<uint> WordHashes(string text, string? second)
    {
        if (WordLength == 0)
            yield break;
        var words = Words(text).ToList();
        if (second is not null) words.AddRange(Words(second));
        for (int i = 0; i < words.Count; i++)
        {
            uint h = WordSeed;
            for (int n = 0; n < WordLength && i + n < words.Count; n++)
            {
                if (n > 0) h = Mix(h, WordJoin);
                foreach (char c in words[i + n]) h = Mix(h, c);
                yield return h;
            }
        }
    }

    private IEnumerable<uint> CharHashes(string text, string? second)
    {
        if (CharLength == 0)
            yield break;
        string chars = Collapsed(text) + (second is null ? "" : " " + Collapsed(second));
        if (chars.Length == 0)
            yield break;
        chars = TextStart + chars + TextEnd;
        for (int i = 0; i + CharLength <= chars.Length; i++)
        {
            uint h = CharSeed;
            for (int n = 0; n < CharLength; n++) h = Mix(h, chars[i + n]);
            yield return h;
        }
    }

    /// <summary>Lower-cased words: runs of letters and digits, and each other non-space character alone.</summary>
    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool letter = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (letter && start < 0) start = i;
            if (!letter && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
            if (i < text.Length && !letter && !char.IsWhiteSpace(text[i]))
                yield return char.ToLowerInvariant(text[i]).ToString();
        }
    }

    /// <summary>The text lower-cased, with each run of whitespace turned into one space, trimmed.</summary>
    private static string Collapsed(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static uint Mix(uint h, char c) => (h ^ c) * FnvPrime;

    public void Save(BinaryWriter writer)
    {
        writer.Write(Buckets);
        writer.Write(WordLength);
        writer.Write(CharLength);
    }

    public static HashedNgrams Load(BinaryReader reader)
    {
        var ngrams = new HashedNgrams(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        if (ngrams.Buckets < 1 || ngrams.WordLength < 0 || ngrams.CharLength < 0 || ngrams.WordLength + ngrams.CharLength == 0)
            throw new InvalidDataException($"The classifier's n-gram settings are invalid ({ngrams}).");
        return ngrams;
    }
}
