using Microsoft.ML;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The text classification sets of ../shared/data as (train, test) data views with a Text column and either a
/// Category (string) or a Label (Boolean) column.
/// </summary>
internal static class ClassificationData
{
    /// <summary>The E2E slots whose value is predicted from the reference sentence.</summary>
    private static readonly Dictionary<string, string> E2eSlots = new()
    {
        ["e2e-eattype"] = "eatType", ["e2e-area"] = "area", ["e2e-food"] = "food", ["e2e-familyfriendly"] = "familyFriendly",
    };

    public static (IDataView Train, IDataView Test, bool Binary) Load(MLContext ml, string dataDir, string name)
    {
        if (name == "banking77")
            return (SharedData.Banking77(ml, dataDir, "train.csv"), SharedData.Banking77(ml, dataDir, "test.csv"), false);
        if (E2eSlots.TryGetValue(name, out string? slot))
        {
            var (e2eTrain, e2eTest) = E2eSlot(ml, dataDir, slot);
            return (e2eTrain, e2eTest, false);
        }
        string file = name switch
        {
            "yelp" => "yelp_labelled.txt",
            "amazon" => "amazon_cells_labelled.txt",
            "imdb" => "imdb_labelled.txt",
            _ => throw new ArgumentException($"Unknown data set '{name}'; known: {string.Join(", ", ClassificationBenchmarks.DataSets)}."),
        };
        var split = ml.Data.TrainTestSplit(SharedData.Sentiment(ml, dataDir, file), testFraction: 0.2, seed: 1);
        return (split.TrainSet, split.TestSet, true);
    }

    /// <summary>
    /// Each reference sentence of the E2E development and test files whose meaning representation has
    /// <paramref name="slot"/>, labelled with its value, split 80/20 by meaning representation (seeded), so that no
    /// test sentence describes a restaurant seen in training. The files' own split cannot serve: the development file
    /// mentions a single eatType (coffee shop).
    /// </summary>
    private static (IDataView Train, IDataView Test) E2eSlot(MLContext ml, string dataDir, string slot)
    {
        var rows = new[] { "devset.csv", "testset_w_refs.csv" }
            .SelectMany(f => E2eData.Pairs(ml, Path.Combine(dataDir, "e2e-nlg", f)))
            .Select(p => (p.Source, p.Target, Value: E2eData.Slots(p.Source).FirstOrDefault(s => s.Slot == slot).Value))
            .Where(r => !string.IsNullOrEmpty(r.Value) && !string.IsNullOrWhiteSpace(r.Target))
            .ToArray();
        var sources = rows.Select(r => r.Source).Distinct().Order(StringComparer.Ordinal).ToArray();
        new Random(1).Shuffle(sources);
        var test = sources.Take(sources.Length / 5).ToHashSet(StringComparer.Ordinal);
        IDataView View(bool inTest) => ml.Data.LoadFromEnumerable(rows.Where(r => test.Contains(r.Source) == inTest)
            .Select(r => new SharedData.TextCategory { Text = r.Target, Category = r.Value }).ToArray());
        return (View(false), View(true));
    }
}
