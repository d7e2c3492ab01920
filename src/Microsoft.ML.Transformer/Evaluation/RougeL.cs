using System.Text;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// ROUGE-L (Lin 2004) F1 of one sentence: with L the longest common subsequence of hypothesis and reference tokens,
/// P = L / |hyp|, R = L / |ref|, F1 = 2PR / (P + R). Tokens as in Google's rouge_score (lowercase, every run of
/// characters other than letters and digits separates tokens), but Unicode-aware: letters and digits of any script count.
/// </summary>
internal static class RougeL
{
    /// <summary>F1 in [0, 1] against the best-matching reference (0 when either side has no token).</summary>
    public static double F1(string hypothesis, IReadOnlyList<string> references)
    {
        string[] hyp = Tokenize(hypothesis);
        return references.Select(r => F1(hyp, Tokenize(r))).DefaultIfEmpty(0).Max();
    }

    private static double F1(string[] hyp, string[] reference)
    {
        int lcs = LongestCommonSubsequence(hyp, reference);
        if (lcs == 0)
            return 0;
        double precision = (double)lcs / hyp.Length, recall = (double)lcs / reference.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Length of the longest common subsequence, by dynamic programming over two rows.</summary>
    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (int i = 1; i <= a.Count; i++)
        {
            for (int j = 1; j <= b.Count; j++)
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }

    /// <summary>Lowercased runs of letters and digits.</summary>
    public static string[] Tokenize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (Rune r in text.ToLowerInvariant().EnumerateRunes())   // runes: letters outside the BMP count too
            builder.Append(Rune.IsLetterOrDigit(r) ? r.ToString() : " ");
        return builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
