using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The E2E NLG Challenge data (meaning representation → restaurant description): pairs for training, and for testing
/// one row per meaning representation with all of its references. Read with ML.NET's loader (quoted fields that may
/// hold commas, a header, CRLF line ends).
/// </summary>
internal static partial class E2eData
{
    public sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
    }

    public sealed class Grouped
    {
        public string Source { get; set; } = "";
        public string[] References { get; set; } = [];
    }

    /// <summary>Every (mr, ref) row of a CSV file, in file order.</summary>
    public static Pair[] Pairs(MLContext ml, string path)
    {
        var data = ml.Data.LoadFromTextFile(path, new TextLoader.Options
        {
            Columns = [new TextLoader.Column("Source", DataKind.String, 0), new TextLoader.Column("Target", DataKind.String, 1)],
            Separators = [','],
            HasHeader = true,
            AllowQuoting = true,
            ReadMultilines = true,
            TrimWhitespace = true,
        });
        return ml.Data.CreateEnumerable<Pair>(data, reuseRowObject: false).ToArray();
    }

    /// <summary>One row per distinct mr (first-appearance order) with every reference written for it.</summary>
    public static Grouped[] Group(IEnumerable<Pair> pairs) =>
        pairs.GroupBy(p => p.Source).Select(g => new Grouped { Source = g.Key, References = g.Select(p => p.Target).ToArray() }).ToArray();

    /// <summary>The slots of a meaning representation, e.g. "name[The Eagle], food[French]" → (name, The Eagle), (food, French).</summary>
    public static IEnumerable<(string Slot, string Value)> Slots(string mr) =>
        SlotPattern().Matches(mr).Select(m => (m.Groups[1].Value, m.Groups[2].Value));

    [GeneratedRegex(@"(\w+)\[([^\]]*)\]")]
    private static partial Regex SlotPattern();
}
