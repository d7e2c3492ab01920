using System.Text;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// chrF (Popović 2015) with sacreBLEU's defaults: character n-grams of order 1..6 (Unicode code points, as Python
/// counts them) of the text with all whitespace removed, β = 2, no word n-grams. Per order the statistics are
/// (hypothesis n-grams, reference n-grams, matches). Per sentence, with several references, the statistics of the
/// reference giving the best sentence chrF are kept (the first on ties), as sacreBLEU does; a corpus score sums them
/// over sentences. The F-score averages precision and recall over the orders both sides have n-grams of, then
/// combines them: F = (1+β²)·P·R / (β²·P + R).
/// </summary>
internal sealed class ChrFStatistics
{
    public const int Order = 6;
    public const double Beta = 2;
    private readonly long[] _stats = new long[3 * Order];

    /// <summary>Adds one sentence. Empty references are left out, as for BLEU.</summary>
    public void Add(string hypothesis, IReadOnlyList<string> references)
    {
        var hyp = CharNGrams(hypothesis);
        long[]? best = null;
        double bestScore = -1;
        foreach (string reference in references.Where(r => r.Length > 0))
        {
            long[] stats = Match(hyp, CharNGrams(reference));
            double score = FScore(stats);
            if (score > bestScore)
                (best, bestScore) = (stats, score);
        }
        best ??= Match(hyp, CharNGrams(""));
        for (int i = 0; i < _stats.Length; i++)
            _stats[i] += best[i];
    }

    /// <summary>chrF on a 0–100 scale of everything added.</summary>
    public double Score => FScore(_stats);

    private static long[] Match(Dictionary<string, int>[] hyp, Dictionary<string, int>[] reference)
    {
        var stats = new long[3 * Order];
        for (int n = 0; n < Order; n++)
        {
            stats[3 * n] = hyp[n].Values.Sum();
            stats[3 * n + 1] = reference[n].Values.Sum();
            stats[3 * n + 2] = NGrams.Overlap(hyp[n], reference[n]);
        }
        return stats;
    }

    private static double FScore(long[] stats)
    {
        double precision = 0, recall = 0;
        int effectiveOrders = 0;
        for (int n = 0; n < Order; n++)
        {
            long hyp = stats[3 * n], reference = stats[3 * n + 1], matches = stats[3 * n + 2];
            if (hyp > 0 && reference > 0)   // orders one side is too short for do not count
            {
                precision += (double)matches / hyp;
                recall += (double)matches / reference;
                effectiveOrders++;
            }
        }
        if (effectiveOrders == 0)
            return 0;
        precision /= effectiveOrders;
        recall /= effectiveOrders;
        double b2 = Beta * Beta;
        return precision + recall == 0 ? 0 : 100 * (1 + b2) * precision * recall / (b2 * precision + recall);
    }

    /// <summary>Per order 1..6, the counts of code-point n-grams of the text without whitespace.</summary>
    private static Dictionary<string, int>[] CharNGrams(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
            if (!Tokenizer13a.IsPythonSpace(c))
                builder.Append(c);
        string squeezed = builder.ToString();
        // Start index of every code point, so that an n-gram is a substring and a surrogate pair counts as one character.
        var starts = new List<int>();
        for (int i = 0; i < squeezed.Length; i += char.IsSurrogatePair(squeezed, i) ? 2 : 1)
            starts.Add(i);
        starts.Add(squeezed.Length);
        int points = starts.Count - 1;

        var counts = new Dictionary<string, int>[Order];
        for (int n = 1; n <= Order; n++)
        {
            var c = counts[n - 1] = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= points; i++)
            {
                string gram = squeezed[starts[i]..starts[i + n]];
                c[gram] = c.GetValueOrDefault(gram) + 1;
            }
        }
        return counts;
    }
}
