using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.Tagging;

/// <summary>Bad input to the entity tagger fails before any training, naming the column, what it expected and what it found.</summary>
[TestClass]
public sealed class TaggerErrorTests
{
    private sealed class TextOnly
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static Exception FitFails(TaggedSentence[] rows)
    {
        var ml = new MLContext(1);
        return Assert.Throws<Exception>(() => TaggerFixture.Pipeline(ml, TaggerFixture.TinyOptions(seed: 1, epochs: 1)).Fit(ml.Data.LoadFromEnumerable(rows)));
    }

    [TestMethod]
    public void LabelVectorOfAnotherLengthThanTheWordsNamesBothColumnsAndTheRow()
    {
        var rows = RestaurantEntities.Generate(10, seed: 1);
        rows[4].Tags = rows[4].Tags[..^1];
        var e = FitFails(rows);
        StringAssert.Contains(e.Message, "Row 4");
        StringAssert.Contains(e.Message, "label column 'Label'");
        StringAssert.Contains(e.Message, $"holds {rows[4].Tags.Length} labels but text column 'Text' has {rows[4].Tags.Length + 1} words");
    }

    [TestMethod]
    public void ScalarLabelNamesTheColumnAndItsType()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextOnly { Text = "a b", Label = "O" } });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.TransformerEntityTagger(TaggerFixture.TinyOptions(1, 1)));
        var e = Assert.Throws<Exception>(() => pipeline.Fit(data));
        StringAssert.Contains(e.Message, "'Label' must be a vector of keys");
    }

    [TestMethod]
    public void MissingTextColumnIsNamed()
    {
        var ml = new MLContext(1);
        var options = TaggerFixture.TinyOptions(1, 1);
        options.TextColumnName = "Sentence";
        var e = Assert.Throws<Exception>(() => TaggerFixture.Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(RestaurantEntities.Generate(5, 1))));
        StringAssert.Contains(e.Message, "'Sentence'");
    }

    [TestMethod]
    public void WindowTooShortForAWordIsRefusedAtConstruction()
    {
        var options = TaggerFixture.TinyOptions(1, 1);
        options.Tokenizer.MaxLength = 2;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().MulticlassClassification.Trainers.TransformerEntityTagger(options));
        StringAssert.Contains(e.Message, "Tokenizer.MaxLength must be at least 3");
    }
}
