using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.MLNet;

[TestClass]
public sealed class RowReaderTests
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Other { get; set; } = "";
        public float Score { get; set; }
        public int Label { get; set; }
    }

    private static IDataView Data(params string[] texts)
    {
        var ml = new MLContext(seed: 1);
        return ml.Data.LoadFromEnumerable(texts.Select((t, i) => new Row { Text = t, Other = "o" + i, Score = i, Label = i % 3 }));
    }

    [TestMethod]
    public void ReadsTextPairAndLabelLazilyInOrder()
    {
        var rows = new RowReader(Data("a", "b", "c"), "Text", "Other", "Label").Read().ToList();
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, rows.Select(r => r.Text).ToArray());
        CollectionAssert.AreEqual(new[] { "o0", "o1", "o2" }, rows.Select(r => r.Second).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, rows.Select(r => r.Row).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, rows.Select(r => r.Label).ToArray());
    }

    [TestMethod]
    public void KeyLabelsBecomeZeroBasedClassIndices()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Transforms.Conversion.MapValueToKey("Key", "Other").Fit(Data("a", "b")).Transform(Data("a", "b"));
        var rows = new RowReader(data, "Text", labelColumn: "Key").Read().ToList();
        CollectionAssert.AreEqual(new long[] { 0, 1 }, rows.Select(r => r.Label).ToArray());
    }

    [TestMethod]
    public void MissingColumnNamesItAndListsTheAvailableOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new RowReader(Data("a"), "Txt"));
        StringAssert.Contains(e.Message, "'Txt'");
        StringAssert.Contains(e.Message, "'Text'");
        StringAssert.Contains(e.Message, "'Score'");
        Assert.Throws<ArgumentException>(() => new RowReader(Data("a"), "Text", labelColumn: "Nope"));
    }

    [TestMethod]
    public void NonTextColumnNamesExpectedAndFoundTypes()
    {
        var e = Assert.Throws<ArgumentException>(() => new RowReader(Data("a"), "Score"));
        StringAssert.Contains(e.Message, "'Score'");
        StringAssert.Contains(e.Message, "String");
        StringAssert.Contains(e.Message, "Single");
        var l = Assert.Throws<ArgumentException>(() => new RowReader(Data("a"), "Text", labelColumn: "Other"));
        StringAssert.Contains(l.Message, "'Other'");
    }

    [TestMethod]
    public void EmptyTextIsSkippedAndCountedOrNamedInTheError()
    {
        var log = new List<string>();
        var reader = new RowReader(Data("a", "", "c", ""), "Text", log: log.Add);
        CollectionAssert.AreEqual(new long[] { 0, 2 }, reader.Read().Select(r => r.Row).ToArray());
        Assert.AreEqual(2, reader.SkippedRows);
        StringAssert.Contains(log.Single(), "Skipped 2 row(s)");

        var strict = new RowReader(Data("a", "b", ""), "Text", emptyText: EmptyTextHandling.Error);
        var e = Assert.Throws<InvalidOperationException>(() => strict.Read().ToList());
        StringAssert.Contains(e.Message, "Row 2");
        StringAssert.Contains(e.Message, "'Text'");
    }
}
