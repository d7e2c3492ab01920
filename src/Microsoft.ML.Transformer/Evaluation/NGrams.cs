namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>N-gram counting shared by the metrics.</summary>
internal static class NGrams
{
    /// <summary>Counts the n-grams of a token sequence; a key is the tokens joined by a space (tokens hold none).</summary>
    public static Dictionary<string, int> Count(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string gram = n == 1 ? tokens[i] : string.Join(' ', tokens.Skip(i).Take(n));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }

    /// <summary>Sum over shared n-grams of the smaller count: the clipped matches.</summary>
    public static int Overlap(Dictionary<string, int> a, Dictionary<string, int> b) =>
        a.Sum(kv => Math.Min(kv.Value, b.GetValueOrDefault(kv.Key)));
}
