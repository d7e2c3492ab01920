using System.Diagnostics;
using System.IO.Compression;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Saved classifiers: self-contained zips, loaded in this process and in one that never names a library type.</summary>
[TestClass]
public sealed class SavedClassifierTests
{
    private static string SaveShared(out ClassifierFixture.Trained t)
    {
        t = ClassifierFixture.Model;
        string path = Path.Combine(TestPaths.NewTempDir(), "classifier.zip");
        t.Ml.Model.Save(t.Model, t.Train.Schema, path);
        return path;
    }

    [TestMethod]
    public void ReloadedModelScoresIdentically()
    {
        string path = SaveShared(out var t);
        var ml = new MLContext(5);
        var loaded = ml.Model.Load(path, out var schema);
        Assert.IsNotNull(schema.GetColumnOrNull("Text"));

        var before = t.Ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(t.Model.Transform(t.Test), false).ToArray();
        var after = ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(loaded.Transform(t.Test), false).ToArray();
        for (int i = 0; i < before.Length; i++)
        {
            CollectionAssert.AreEqual(before[i].Score, after[i].Score, $"row {i}");
            Assert.AreEqual(before[i].PredictedIntent, after[i].PredictedIntent);
        }
        var engine = ml.Model.CreatePredictionEngine<ClassifierFixture.Row, ClassifierFixture.Prediction>(loaded);
        Assert.AreEqual(before[0].PredictedIntent, engine.Predict(t.TestRows[0]).PredictedIntent);
    }

    [TestMethod]
    public void SeparateProcessLoadsWithPlainModelLoadAndScoresIdentically()
    {
        string path = SaveShared(out var t);
        string texts = Path.Combine(Path.GetDirectoryName(path)!, "rows.tsv");
        File.WriteAllLines(texts, t.TestRows.Take(25).Select(r => r.Text.Replace('\t', ' ') + "\t" + r.Intent).Prepend("Text\tIntent"));

        string output = Microsoft.ML.Transformer.Tests.MLNet.ModelLoadProbeRunner.Run(path, texts);
        // Bitwise: the other process's Transform equals ours, and its PredictionEngine equals ours. (Between the two
        // paths, a single row and a padded batch take differently shaped matrix products: equal within 1e-5, see
        // TextClassifierTests.)
        var rows = t.TestRows.Take(25).ToArray();
        var expected = t.Ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(t.Model.Transform(t.Ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        var engine = t.Ml.Model.CreatePredictionEngine<ClassifierFixture.Row, ClassifierFixture.Prediction>(t.Model);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < expected.Length; i++)
        {
            CollectionAssert.Contains(lines, $"transform {i} Score={Show(expected[i].Score)}", $"Transform row {i}");
            CollectionAssert.Contains(lines, $"engine {i} Score={Show(engine.Predict(rows[i]).Score)}", $"PredictionEngine row {i}");
        }
    }

    [TestMethod]
    public void CorruptedOrTruncatedZipFailsClearly()
    {
        string path = SaveShared(out _);
        string dir = Path.GetDirectoryName(path)!;

        // Flip bytes inside the stored weights: the zip reader would not notice; the digest must.
        string flipped = Path.Combine(dir, "flipped.zip");
        File.Copy(path, flipped);
        using (var zip = ZipFile.Open(flipped, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("Weights.bin", StringComparison.Ordinal));
            byte[] bytes;
            using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            for (int i = bytes.Length / 2; i < bytes.Length / 2 + 8; i++) bytes[i] ^= 0x5A;
            string name = entry.FullName;
            entry.Delete();
            using var w = zip.CreateEntry(name).Open();
            w.Write(bytes);
        }
        var e1 = Assert.Throws<Exception>(() => new MLContext().Model.Load(flipped, out _));
        StringAssert.Contains(Flatten(e1), "SHA-256");

        string truncated = Path.Combine(dir, "truncated.zip");
        byte[] all = File.ReadAllBytes(path);
        File.WriteAllBytes(truncated, all[..(all.Length * 2 / 3)]);
        Assert.Throws<Exception>(() => new MLContext().Model.Load(truncated, out _));
    }

    private static string Show(float[] xs) => string.Join(",", xs.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
