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
    [DataRow("tagger")]
    [DataRow("question-answerer")]
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
        foreach (string refusal in counts.Unnamed.Distinct().Take(20))
            Console.WriteLine("  refused without naming the entry: " + refusal);
        Assert.AreEqual(0, counts.Silent + counts.Unclear, $"{name}: {counts}");
        Assert.IsGreaterThan(counts.Trials / 2, counts.Refused, $"{name}: most damage must be refused ({counts})");
        // ML.NET's own checks (its header, Schema, the loader's assembly name) run first and name no entry; the library's do.
        var unnamedOfOurs = counts.Unnamed.Where(r => r.Contains("The model entry", StringComparison.Ordinal)).ToList();
        Assert.IsEmpty(unnamedOfOurs, $"{name}: the library's refusals name the damaged entry: {string.Join(" || ", unnamedOfOurs.Take(3))}");
    }

    /// <summary>
    /// The edits the issue found loading silently, on a tagger saved by this version: one byte of a label name
    /// (B-name to B-nbme), two label names swapped (B-area and B-food).
    /// </summary>
    [TestMethod]
    [DataRow("B-name", "B-nbme")]
    [DataRow("B-area", "B-food")]
    public void AnEditedLabelNameOfATaggerIsRefusedNamingModelKey(string label, string other)
    {
        var ml = new MLContext(seed: 0);
        var rows = ScoreDump.ReadRows(ml, SavedFixtures.Rows("tagger"));
        using var saved = new MemoryStream();
        ml.Model.Save(Component(ml.Model.Load(SavedFixtures.Zip("tagger"), out _)), rows.Schema, saved);

        // Latin-1 maps each byte to one character below U+0100, so the edit keeps every other byte as it was and
        // U+FFFF cannot occur in it.
        string key = System.Text.Encoding.Latin1.GetString(Entry(saved.ToArray(), "Model.key"));
        Assert.Contains(label, key, "the saved settings hold the label name");
        string edited = key.Replace(label, "\uFFFF").Replace(other, label).Replace("\uFFFF", other);
        byte[] zip = Replace(saved.ToArray(), "Model.key", System.Text.Encoding.Latin1.GetBytes(edited));

        var e = Assert.Throws<Exception>(() => new MLContext(1).Model.Load(new MemoryStream(zip), out _));
        var refusal = Chain(e).OfType<InvalidDataException>().FirstOrDefault();
        Assert.IsNotNull(refusal, $"refused with an InvalidDataException, not: {e}");
        Assert.Contains("Model.key", refusal.Message);
        Assert.Contains("entity tagger", refusal.Message);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            yield return x;
    }

    private static byte[] Entry(byte[] zip, string name)
    {
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip), System.IO.Compression.ZipArchiveMode.Read);
        using var stream = archive.Entries.Single(e => e.Name == name).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Replace(byte[] zip, string name, byte[] content)
    {
        using var buffer = new MemoryStream();
        buffer.Write(zip);
        using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.Entries.Single(e => e.Name == name);
            string fullName = entry.FullName;
            entry.Delete();
            using var stream = archive.CreateEntry(fullName).Open();
            stream.Write(content);
        }
        return buffer.ToArray();
    }
}
