using System.Text.RegularExpressions;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>
/// Entity-tagging rows derived from the E2E NLG references (real restaurant descriptions written by people): each
/// reference's meaning representation lists slot values (name[The Eagle], food[French]...), and where a value of a
/// chosen slot appears verbatim in the reference (ignoring case, at word boundaries) its words are labelled as an
/// entity of that slot's type. Values the writer paraphrased ("family-friendly", "20 to 25 pounds") stay unlabelled,
/// and references where two slots share a value, or two values overlap, are left out as ambiguous. Both CSV files are
/// pooled and split by meaning representation, so that no meaning representation is in both parts.
/// </summary>
public static partial class E2eEntities
{
    /// <summary>The slots read as entities, with the entity type each becomes.</summary>
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["name"] = "name", ["near"] = "near", ["food"] = "food", ["area"] = "area", ["eatType"] = "eatType",
        ["priceRange"] = "price", ["customer rating"] = "rating",
    };

    /// <summary>The folder that holds the E2E files, looked for beside the repository (../shared/data/e2e-nlg); null when absent.</summary>
    public static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "data", "e2e-nlg");
            if (File.Exists(Path.Combine(candidate, "devset.csv")) && File.Exists(Path.Combine(candidate, "testset_w_refs.csv")))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>
    /// The labelled rows of both files in <paramref name="folder"/>: a meaning representation goes to the test part when
    /// a stable hash of it (with <paramref name="byName"/>, of its restaurant name, so that the test names are never
    /// seen as names in training) falls in the lowest <paramref name="testPercent"/> percent.
    /// </summary>
    public static (TaggedSentence[] Train, TaggedSentence[] Test) Load(string folder, int testPercent = 20, bool byName = false) =>
        Derive<TaggedSentence>(folder, testPercent, byName, (mr, reference) => Label(mr, reference) is { } row ? [row] : []);

    /// <summary>
    /// The rows <paramref name="derive"/> makes of each (meaning representation, reference) of both files, split as
    /// <see cref="Load"/> splits them.
    /// </summary>
    internal static (T[] Train, T[] Test) Derive<T>(string folder, int testPercent, bool byName, Func<string, string, IEnumerable<T>> derive)
    {
        var train = new List<T>();
        var test = new List<T>();
        foreach (string file in new[] { "devset.csv", "testset_w_refs.csv" })
            foreach (var (mr, reference) in Read(Path.Combine(folder, file)))
                (StableHash(byName ? Name(mr) : mr) % 100 < testPercent ? test : train).AddRange(derive(mr, reference));
        return ([.. train], [.. test]);
    }

    /// <summary>The restaurant name of a meaning representation; empty when it has none.</summary>
    internal static string Name(string mr) => SlotPattern().Matches(mr).FirstOrDefault(m => m.Groups[1].Value.Trim() == "name")?.Groups[2].Value ?? "";

    /// <summary>A reference labelled from its meaning representation; null when it is ambiguous.</summary>
    public static TaggedSentence? Label(string mr, string reference)
    {
        if (Spans(mr, reference) is not { } found)
            return null;
        var spans = found.Select(s => (s.Start, s.Length, Types[s.Slot])).ToList();
        return new TaggedSentence { Text = reference, Tags = EntityWords.Labels(reference, spans) };
    }

    /// <summary>
    /// Every place in <paramref name="reference"/> where a value of one of the slots read (see <see cref="Types"/>)
    /// appears verbatim (ignoring case, at word boundaries), in order; null when two slots share a value or two places
    /// overlap, as the reference is then ambiguous.
    /// </summary>
    internal static List<(int Start, int Length, string Slot)>? Spans(string mr, string reference)
    {
        var values = SlotPattern().Matches(mr)
            .Select(m => (Slot: m.Groups[1].Value.Trim(), Value: m.Groups[2].Value.Trim()))
            .Where(s => Types.ContainsKey(s.Slot) && s.Value.Length > 0)
            .ToArray();
        if (values.Select(v => v.Value.ToLowerInvariant()).Distinct().Count() < values.Length)
            return null;
        var spans = new List<(int Start, int Length, string Slot)>();
        foreach (var (slot, value) in values)
            foreach (Match m in Regex.Matches(reference, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(value)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
                spans.Add((m.Index, m.Length, slot));
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < spans.Count; i++)
            if (spans[i].Start < spans[i - 1].Start + spans[i - 1].Length)
                return null;
        return spans;
    }

    private static IEnumerable<(string Mr, string Reference)> Read(string path)
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromTextFile(path, new TextLoader.Options
        {
            Columns = [new TextLoader.Column("Mr", DataKind.String, 0), new TextLoader.Column("Reference", DataKind.String, 1)],
            Separators = [','],
            HasHeader = true,
            AllowQuoting = true,
            ReadMultilines = true,
            TrimWhitespace = true,
        });
        var mrs = data.GetColumn<ReadOnlyMemory<char>>("Mr").Select(m => m.ToString()).ToArray();
        var references = data.GetColumn<ReadOnlyMemory<char>>("Reference").Select(r => r.ToString()).ToArray();
        return mrs.Zip(references);
    }

    // string.GetHashCode is randomised per process; this one gives the same split on every run and machine.
    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = (hash ^ c) * 16777619;
        return hash;
    }

    [GeneratedRegex(@"([\w ]+?)\[([^\]]*)\]")]
    private static partial Regex SlotPattern();
}
