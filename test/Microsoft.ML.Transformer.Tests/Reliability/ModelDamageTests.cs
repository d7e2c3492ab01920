using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Tests.Fixtures;

namespace Microsoft.ML.Transformer.Tests.Reliability;

/// <summary>
/// Each component's zip as this version saves it, damaged 300 seeded ways spread over every entry: every damaged zip
/// is refused with a clear exception or scores bitwise as before; none loads with a changed meaning. The components
/// are the committed fixtures (tiny networks, no training here) saved again, alone, in memory.
/// </summary>
[TestClass]
public sealed class ModelDamageTests
{
    private const int Trials = 300;

    /// <summary>The library's component inside a loaded model (the fixture's chain may hold ML.NET's key mappings too).</summary>
    private static ITransformer Component(ITransformer model) => model is IEnumerable<ITransformer> chain
        ? chain.Single(t => t.GetType().Assembly == typeof(TextClassificationTransformer).Assembly)
        : model;

    [TestMethod]
    [DataRow("classifier-multiclass")]
    [DataRow("classifier-binary")]
    [DataRow("regressor")]
    [DataRow("generator")]
    [DataRow("pretraining")]
    [DataRow("embeddings")]
    [DataRow("attention")]
    public void DamagedZipsAreRefusedOrScoreAsBefore(string name)
    {
        var ml = new MLContext(seed: 0);
        var rows = ml.Data.Cache(ScoreDump.ReadRows(ml, SavedFixtures.Rows(name)));
        var component = Component(ml.Model.Load(SavedFixtures.Zip(name), out _));
        using var saved = new MemoryStream();
        ml.Model.Save(component, rows.Schema, saved);

        var damage = new ZipDamage(saved.ToArray(), ZipDamage.Scorer(rows));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var counts = damage.Run(Trials, seed: 20);
        Console.WriteLine($"{name}: {counts} ({clock.Elapsed.TotalSeconds:F1} s; entries {string.Join(", ", damage.EntryNames)})");
        Assert.AreEqual(0, counts.Silent + counts.Unclear, $"{name}: {counts}");
        Assert.IsGreaterThan(counts.Trials / 2, counts.Refused, $"{name}: most damage must be refused ({counts})");
    }
}
