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
            return (E2eSlot(ml, Path.Combine(dataDir, "e2e-nlg", "devset.csv"), slot),
                    E2eSlot(ml, Path.Combine(dataDir, "e2e-nlg", "testset_w_refs.csv"), slot), false);
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

    /// <summary>Each reference sentence whose meaning representation has <paramref name="slot"/>, labelled with its value.</summary>
    private static IDataView E2eSlot(MLContext ml, string path, string slot) =>
        ml.Data.LoadFromEnumerable(E2eData.Pairs(ml, path)
            .Select(p => (p.Target, Value: E2eData.Slots(p.Source).FirstOrDefault(s => s.Slot == slot).Value))
            .Where(r => !string.IsNullOrEmpty(r.Value) && !string.IsNullOrWhiteSpace(r.Target))
            .Select(r => new SharedData.TextCategory { Text = r.Target, Category = r.Value }));
}
