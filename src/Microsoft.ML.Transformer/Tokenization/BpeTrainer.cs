using System.Text;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Learns byte-level BPE merges from text (Microsoft.ML.Tokenizers can encode with merges but not learn them).
/// Classic BPE: split text into words with GPT-2's pattern, count the words, then repeatedly merge the most frequent
/// adjacent pair of tokens. Pair counts are updated incrementally — only the words that hold the merged pair are
/// touched — and a heap with lazy deletion finds the next pair, so thousands of merges take seconds.
/// Deterministic: the seed picks the row sample, and ties between pairs break by token id.
/// </summary>
internal sealed class BpeTrainer
{
    // Rows longer than this are cut for learning only: bounds memory and the cost of pathological one-word rows.
    private const int MaxCharsPerSampleRow = 10_000;

    private readonly int _vocabularySize;
    private readonly int _sampleRows;
    private readonly int _seed;
    private readonly int _minPairCount;

    /// <param name="vocabularySize">Ordinary vocabulary size, the 256 bytes included.</param>
    /// <param name="sampleRows">At most this many rows are learned from (a seeded uniform sample).</param>
    /// <param name="seed">Seed of the sample.</param>
    /// <param name="minPairCount">A pair seen fewer times than this is never merged.</param>
    public BpeTrainer(int vocabularySize, int sampleRows, int seed, int minPairCount = 2)
    {
        if (vocabularySize < 257) throw new ArgumentOutOfRangeException(nameof(vocabularySize), "Needs at least 257 (256 bytes + 1 merge).");
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPairCount, 1);
        (_vocabularySize, _sampleRows, _seed, _minPairCount) = (vocabularySize, sampleRows, seed, minPairCount);
    }

    /// <summary>Learns merges (as token strings of the byte-level alphabet) from one pass over <paramref name="texts"/>.</summary>
    public List<(string Left, string Right)> Train(IEnumerable<string> texts)
    {
        var (words, counts) = CountWords(Sample(texts));
        return LearnMerges(words, counts);
    }

    /// <summary>Reservoir sampling (algorithm R): a uniform sample of at most _sampleRows rows in one pass.</summary>
    private List<string> Sample(IEnumerable<string> texts)
    {
        var rng = new Random(_seed);
        var sample = new List<string>();
        long seen = 0;
        foreach (string text in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            string row = text.Length > MaxCharsPerSampleRow ? text[..MaxCharsPerSampleRow] : text;
            seen++;
            if (sample.Count < _sampleRows) sample.Add(row);
            else
            {
                long j = rng.NextInt64(seen);
                if (j < _sampleRows) sample[(int)j] = row;
            }
        }
        return sample;
    }

    /// <summary>Distinct words (as byte ids) and their counts, in ordinal order so the result never depends on row order.</summary>
    private static (List<int[]> Words, List<long> Counts) CountWords(List<string> rows)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var pattern = ByteLevelBpe.WordPattern();
        foreach (string row in rows)
        {
            string text = ByteLevelBpe.ReplaceLoneSurrogates(row);
            foreach (var m in pattern.EnumerateMatches(text))
            {
                string word = text.Substring(m.Index, m.Length);
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }
        var words = new List<int[]>(counts.Count);
        var wordCounts = new List<long>(counts.Count);
        foreach (var (word, count) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(word);
            if (bytes.Length < 2) continue; // a single byte has no pair to merge
            words.Add(Array.ConvertAll(bytes, b => (int)b));
            wordCounts.Add(count);
        }
        return (words, wordCounts);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private List<(string Left, string Right)> LearnMerges(List<int[]> words, List<long> wordCounts)
    {
        // Token strings by id; ids 0..255 are the bytes. A merged token spelled like an existing one reuses its id.
        var tokens = new List<string>(_vocabularySize);
        for (int b = 0; b < 256; b++) tokens.Add(ByteLevelBpe.ByteToChar[b].ToString());
        var idOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++) idOf[tokens[i]] = i;

        var pairCount = new Dictionary<long, long>();
        var wordsWithPair = new Dictionary<long, HashSet<int>>();
        for (int w = 0; w < words.Count; w++)
        {
            int[] s = words[w];
            for (int i = 0; i + 1 < s.Length; i++)
            {
                long k = Key(s[i], s[i + 1]);
                pairCount[k] = pairCount.GetValueOrDefault(k) + wordCounts[w];
                if (!wordsWithPair.TryGetValue(k, out var set)) wordsWithPair[k] = set = [];
                set.Add(w);
            }
        }

        // Max-heap on count; ties go to the smaller (left, right) ids. Entries go stale when a count changes:
        // a popped entry is used only if it still matches the live count.
        var heap = new PriorityQueue<long, (long NegCount, long Key)>();
        foreach (var (k, c) in pairCount) heap.Enqueue(k, (-c, k));

        var merges = new List<(string, string)>();
        var mergedPairs = new HashSet<long>();
        var delta = new Dictionary<long, long>();
        while (tokens.Count < _vocabularySize && heap.TryDequeue(out long best, out var priority))
        {
            long count = -priority.NegCount;
            if (pairCount.GetValueOrDefault(best) != count) continue; // stale
            if (count < _minPairCount) break;

            int left = (int)(best >> 32), right = (int)best;
            string merged = tokens[left] + tokens[right];
            if (!idOf.TryGetValue(merged, out int newId))
            {
                newId = tokens.Count;
                tokens.Add(merged);
                idOf[merged] = newId;
            }
            // The same pair can come back when a later merge re-spells an existing token: one merge line is enough.
            if (mergedPairs.Add(best)) merges.Add((tokens[left], tokens[right]));

            // Rewrite each word holding the pair; its old pairs leave the counts and its new pairs enter them.
            delta.Clear();
            foreach (int w in wordsWithPair[best])
            {
                int[] old = words[w];
                int[]? rewritten = Merge(old, left, right, newId);
                if (rewritten is null) continue;
                long c = wordCounts[w];
                for (int i = 0; i + 1 < old.Length; i++) delta[Key(old[i], old[i + 1])] = delta.GetValueOrDefault(Key(old[i], old[i + 1])) - c;
                for (int i = 0; i + 1 < rewritten.Length; i++)
                {
                    long k = Key(rewritten[i], rewritten[i + 1]);
                    delta[k] = delta.GetValueOrDefault(k) + c;
                    if (!wordsWithPair.TryGetValue(k, out var set)) wordsWithPair[k] = set = [];
                    set.Add(w);
                }
                words[w] = rewritten;
            }
            wordsWithPair.Remove(best);
            foreach (var (k, d) in delta)
            {
                if (d == 0) continue;
                long now = pairCount.GetValueOrDefault(k) + d;
                if (now <= 0) { pairCount.Remove(k); continue; }
                pairCount[k] = now;
                heap.Enqueue(k, (-now, k));
            }
        }
        return merges;
    }

    /// <summary>The word with every non-overlapping (left, right), read left to right, replaced; null if none.</summary>
    private static int[]? Merge(int[] word, int left, int right, int merged)
    {
        List<int>? result = null;
        for (int i = 0; i < word.Length; i++)
        {
            if (i + 1 < word.Length && word[i] == left && word[i + 1] == right)
            {
                result ??= new List<int>(word.AsSpan(0, i).ToArray());
                result.Add(merged);
                i++;
            }
            else
            {
                result?.Add(word[i]);
            }
        }
        return result?.ToArray();
    }
}
