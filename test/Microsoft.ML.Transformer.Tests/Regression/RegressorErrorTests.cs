using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Regression;

/// <summary>Bad input to the regressor fails before any training, naming the column, what it expected and what it found.</summary>
[TestClass]
public sealed class RegressorErrorTests
{
    private sealed class IntLabelRow
    {
        public string First { get; set; } = "";
        public string Second { get; set; } = "";
        public int Label { get; set; }
    }

    private static Exception FitFails(IDataView data, Action<Microsoft.ML.Transformer.MLNet.Regression.TextRegressionOptions>? change = null)
    {
        var ml = new MLContext(1);
        var options = RegressorFixture.TinyOptions(seed: 1, epochs: 1);
        change?.Invoke(options);
        return Assert.Throws<Exception>(() => ml.Regression.Trainers.TransformerRegressor(options).Fit(data));
    }

    [TestMethod]
    public void NaNLabelNamesTheColumnAndTheRow()
    {
        var rows = RegressorFixture.Rows(10, seed: 1);
        rows[7].Label = float.NaN;
        var e = FitFails(new MLContext().Data.LoadFromEnumerable(rows));
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "Row 7");
        StringAssert.Contains(e.Message, "finite");
    }

    [TestMethod]
    public void LabelOfAnotherTypeNamesTheColumnAndItsType()
    {
        var data = new MLContext().Data.LoadFromEnumerable(new[] { new IntLabelRow { First = "a", Second = "b", Label = 1 } });
        var e = FitFails(data);
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "Single");
        StringAssert.Contains(e.Message, "Int32");
    }

    [TestMethod]
    public void MissingSecondColumnIsNamed()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(RegressorFixture.Rows(10, seed: 1));
        var e = FitFails(data, o => o.SecondTextColumnName = "Hypothesis");
        StringAssert.Contains(e.Message, "'Hypothesis'");
    }

    [TestMethod]
    public void EmptySecondTextIsRefusedWhenAskedToAndNamesTheColumn()
    {
        var rows = RegressorFixture.Rows(10, seed: 1);
        rows[3].Second = "";
        var e = FitFails(new MLContext().Data.LoadFromEnumerable(rows), o => o.Tokenizer.EmptyText = EmptyTextHandling.Error);
        StringAssert.Contains(e.Message, "Row 3");
        StringAssert.Contains(e.Message, "'Second'");
    }

    [TestMethod]
    public void ConstantLabelIsRefused()
    {
        var rows = RegressorFixture.Rows(10, seed: 1);
        foreach (var r in rows) r.Label = 2;
        var e = FitFails(new MLContext().Data.LoadFromEnumerable(rows));
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "differ");
    }

    [TestMethod]
    public void OptionsOutOfRangeAreNamed()
    {
        var ml = new MLContext();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.TransformerRegressor(
            new Microsoft.ML.Transformer.MLNet.Regression.TextRegressionOptions { HeadDropout = 1.5 }));
        StringAssert.Contains(e.Message, "HeadDropout");
        Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.TransformerRegressor(
            new Microsoft.ML.Transformer.MLNet.Regression.TextRegressionOptions { SecondTextColumnName = " " }));
    }
}
