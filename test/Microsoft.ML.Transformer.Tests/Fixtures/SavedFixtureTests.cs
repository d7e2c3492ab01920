using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Tests.Fixtures;

/// <summary>
/// Model zips saved by an earlier build of the library (see <see cref="SavedFixtures"/>) load with plain
/// <c>mlContext.Model.Load</c> and score bitwise as they did when they were saved.
/// </summary>
[TestClass]
public sealed class SavedFixtureTests
{
    /// <summary>
    /// Set to 1 to train every fixture again and overwrite the committed zips and their expected scores, or to names
    /// separated by commas to write only those (a fixture added later must not rewrite the zips of earlier versions).
    /// </summary>
    private const string RegenerateVariable = "TRANSFORMER_WRITE_FIXTURES";

    [TestMethod]
    [DataRow("classifier-multiclass")]
    [DataRow("classifier-binary")]
    [DataRow("generator")]
    [DataRow("pretraining")]
    [DataRow("embeddings")]
    [DataRow("attention")]
    [DataRow("regressor")]
    [DataRow("tagger")]
    [DataRow("question-answerer")]
    [DataRow("token-ids")]
    public void CommittedZipLoadsAndScoresAsWhenSaved(string name)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(SavedFixtures.Zip(name), out _);
        var actual = ScoreDump.Lines(model, ScoreDump.ReadRows(ml, SavedFixtures.Rows(name)));
        var recorded = File.ReadAllLines(SavedFixtures.Expected(name));
        var expected = recorded.Where(l => !l.StartsWith('#')).ToList();
        bool bitwise = recorded.Contains(PlatformLine());
        Console.WriteLine(bitwise ? "same CPU kernels as when recorded: compared bitwise"
            : $"other CPU kernels than when recorded: compared within a relative {ScoreComparison.Tolerance}");

        Assert.HasCount(expected.Count, actual, $"{name}: lines of scores");
        for (int i = 0; i < expected.Count; i++)
        {
            string? difference = ScoreComparison.Difference(expected[i], actual[i], bitwise);
            Assert.IsNull(difference, $"{name}: line {i} differs from the scores recorded when the zip was saved ({difference}):\n  recorded {expected[i]}\n  now      {actual[i]}");
        }
    }

    [TestMethod]
    public void RegenerateFixtures()
    {
        string asked = Environment.GetEnvironmentVariable(RegenerateVariable) ?? "";
        if (asked.Length == 0)
            Assert.Inconclusive($"Writes the committed fixtures again; runs only with {RegenerateVariable}=1 (all) or =name,name.");

        var ml = new MLContext(seed: 1);
        var trainers = SavedFixtures.Trainers(ml);
        var names = asked == "1" ? SavedFixtures.Names : asked.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in names)
        {
            if (!trainers.TryGetValue(name, out var train))
                Assert.Fail($"{RegenerateVariable} names '{name}', which is not a fixture ({string.Join(", ", SavedFixtures.Names)}).");
            var model = train();
            File.WriteAllLines(SavedFixtures.Rows(name), SavedFixtures.InputLines(name));
            var rows = ScoreDump.ReadRows(ml, SavedFixtures.Rows(name));
            ml.Model.Save(model, rows.Schema, SavedFixtures.Zip(name));

            var fresh = new MLContext(seed: 0);
            var reloaded = ScoreDump.Lines(fresh.Model.Load(SavedFixtures.Zip(name), out _), ScoreDump.ReadRows(fresh, SavedFixtures.Rows(name)));
            CollectionAssert.AreEqual(ScoreDump.Lines(model, rows), reloaded, $"{name}: the reloaded zip scores as the trained model");
            File.WriteAllLines(SavedFixtures.Expected(name), reloaded.Prepend(PlatformLine()).Prepend(Provenance()));
        }
    }

    private static string PlatformLine() => "# platform " + ScoreComparison.PlatformKey();

    private static string Provenance() =>
        $"# saved by Microsoft.ML {Informational(typeof(MLContext))}, TorchSharp {Informational(typeof(TorchSharp.torch))}, " +
        $"{RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.ProcessArchitecture}, {DateTime.UtcNow:yyyy-MM-dd}";

    // Assembly versions stay fixed across releases (ML.NET keeps 1.0.0.0); the informational version names the release.
    private static string? Informational(Type type) =>
        type.Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
}
