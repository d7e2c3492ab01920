using Microsoft.ML.Transformer.Batching;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// What one pass over the training rows tells <c>Fit</c> before it chooses its defaults: how many rows each class has,
/// where those rows are (for a stratified validation split), and how many distinct words and n-grams recur.
/// </summary>
internal sealed class DataProfile
{
    /// <summary>Distinct words counted at most; later new words are not counted, which bounds the memory of the pass.</summary>
    internal const int MaxWordsCounted = 200_000;

    /// <summary>Distinct n-gram hashes counted at most, for the same reason.</summary>
    internal const int MaxNgramsCounted = 1_000_000;

    private DataProfile(long[] classCounts, List<long>[] rowsByClass, int recurringWords, int recurringNgrams)
        => (ClassCounts, RowsByClass, RecurringWords, RecurringNgrams) = (classCounts, rowsByClass, recurringWords, recurringNgrams);

    /// <summary>Labelled rows per class index.</summary>
    public long[] ClassCounts { get; }

    /// <summary>The positions of each class's rows in the data view.</summary>
    public IReadOnlyList<long>[] RowsByClass { get; }

    /// <summary>Distinct lower-cased words that occur at least twice (words seen once cannot teach a tokenizer a merge).</summary>
    public int RecurringWords { get; }

    /// <summary>Distinct n-grams (by their full hash) that occur at least twice; 0 when n-grams were not counted.</summary>
    public int RecurringNgrams { get; }

    /// <summary>Labelled rows in all.</summary>
    public long Rows => ClassCounts.Sum();

    /// <summary>
    /// Reads every labelled row once; rows whose label is missing or out of range are not counted. The n-grams of
    /// <paramref name="ngrams"/> are counted when it is given.
    /// </summary>
    public static DataProfile Read(IEnumerable<TextRow> rows, int classes, Tokenization.HashedNgrams? ngrams = null)
    {
        var ngramCounts = new Dictionary<uint, int>();
        var counts = new long[classes];
        var positions = Enumerable.Range(0, classes).Select(_ => new List<long>()).ToArray();
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Label < 0 || row.Label >= classes)
                continue;
            counts[row.Label]++;
            positions[row.Label].Add(row.Row);
            CountWords(row.Text, words);
            if (row.Second is { } second)
                CountWords(second, words);
            foreach (uint hash in ngrams?.Hashes(row.Text, row.Second) ?? [])
                Count(ngramCounts, hash, MaxNgramsCounted);
        }
        return new DataProfile(counts, positions, words.Values.Count(n => n >= 2), ngramCounts.Values.Count(n => n >= 2));
    }

    private static void Count<T>(Dictionary<T, int> counts, T key, int most) where T : notnull
    {
        if (counts.TryGetValue(key, out int n))
            counts[key] = n + 1;
        else if (counts.Count < most)
            counts[key] = 1;
    }

    private static void CountWords(string text, Dictionary<string, int> words)
    {
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            Count(words, word.ToLowerInvariant(), MaxWordsCounted);
    }
}
