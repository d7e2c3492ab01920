namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>Two descriptions and how alike they are, on the 0–5 scale of sentence-similarity data sets.</summary>
public sealed class SimilarPair
{
    /// <summary>The first description.</summary>
    public string First { get; set; } = "";

    /// <summary>The second description.</summary>
    public string Second { get; set; } = "";

    /// <summary>How alike they are: 5 × the share of the four facts the two descriptions agree on.</summary>
    public float Similarity { get; set; }
}

/// <summary>
/// Generates pairs of descriptions of fictional restaurants, each stating four facts (food, area, price, rating) in
/// one of several sentence shapes; the second agrees with the first on 0 to 4 facts, so the pair's similarity is graded
/// and known exactly. Reproducible for a seed; made here, not copied from any data set.
/// </summary>
public static class SimilarPairs
{
    private static readonly string[][] Facts =
    [
        ["Italian", "Chinese", "Indian", "French", "Greek"],
        ["centre", "riverside", "harbour", "old town"],
        ["cheap", "pricey", "good value", "moderate"],
        ["one star", "three stars", "five stars", "no rating"],
    ];

    private static readonly string[] Shapes =
    [
        "{0} food in the {1}, {2}, {3}",
        "a {2} {0} place by the {1} with {3}",
        "{3}: {0} cooking, {2} prices, {1} area",
        "in the {1}, {0}, {2}, rated {3}",
    ];

    /// <summary>
    /// <paramref name="count"/> pairs for <paramref name="seed"/>; the number of shared facts is uniform over 0–4.
    /// </summary>
    public static SimilarPair[] Generate(int count, int seed)
    {
        var rng = new Random(seed);
        var pairs = new SimilarPair[count];
        for (int i = 0; i < count; i++)
        {
            var first = Facts.Select(f => rng.Next(f.Length)).ToArray();
            int shared = rng.Next(Facts.Length + 1);
            var same = Enumerable.Range(0, Facts.Length).OrderBy(_ => rng.Next()).Take(shared).ToHashSet();
            var second = first.Select((v, f) => same.Contains(f) ? v : Other(rng, Facts[f].Length, v)).ToArray();
            pairs[i] = new SimilarPair
            {
                First = Describe(rng, first),
                Second = Describe(rng, second),
                Similarity = 5f * shared / Facts.Length,
            };
        }
        return pairs;
    }

    private static int Other(Random rng, int choices, int not)
    {
        int v = rng.Next(choices - 1);
        return v >= not ? v + 1 : v;
    }

    private static string Describe(Random rng, int[] values)
    {
        string text = Shapes[rng.Next(Shapes.Length)];
        for (int f = 0; f < values.Length; f++)
            text = text.Replace("{" + f + "}", Facts[f][values[f]], StringComparison.Ordinal);
        return text;
    }
}
