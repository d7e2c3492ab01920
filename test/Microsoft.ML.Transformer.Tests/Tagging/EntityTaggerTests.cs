using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer.Tests.Tagging;

[TestClass]
public sealed class EntityTaggerTests
{
    [TestMethod]
    public void LearnsEntitiesThatOnlyTheContextTellsApart()
    {
        var t = TaggerFixture.Model;
        var metrics = EntityMetrics.Evaluate(t.Model.Transform(t.Test));
        Console.WriteLine($"entity P {metrics.Overall.Precision:F4} R {metrics.Overall.Recall:F4} F1 {metrics.Overall.F1:F4}; " +
            string.Join(", ", metrics.PerType.Select(p => $"{p.Key} {p.Value.F1:F4}")));
        // A name and a "near" are drawn from one list: only the words around them tell which is which, so a tagger
        // that learned the values alone (a gazetteer) would score about half on those two types.
        Assert.IsGreaterThanOrEqualTo(0.8, metrics.Overall.F1);
        Assert.IsGreaterThanOrEqualTo(0.7, metrics.PerType["name"].F1);
        Assert.IsGreaterThanOrEqualTo(0.7, metrics.PerType["near"].F1);
        Assert.AreEqual(200, metrics.Rows);
    }

    [TestMethod]
    public void EntitiesAreSpansOfTheTextWithTypeAndScore()
    {
        var t = TaggerFixture.Model;
        var predictions = t.Ml.Data.CreateEnumerable<TaggerFixture.Prediction>(t.Model.Transform(t.Test), false).ToArray();
        for (int i = 0; i < predictions.Length; i++)
        {
            var (row, p) = (t.TestRows[i], predictions[i]);
            Assert.HasCount(EntityWords.Split(row.Text).Length, p.PredictedLabel, $"row {i}: one label per word");
            int n = p.EntityStart.Length;
            Assert.IsTrue(p.EntityLength.Length == n && p.EntityType.Length == n && p.EntityScore.Length == n && p.Entities.Length == n, $"row {i}: parallel entity columns");
            for (int e = 0; e < n; e++)
            {
                string text = row.Text.Substring(p.EntityStart[e], p.EntityLength[e]);
                StringAssert.Contains(p.Entities[e], $"{p.EntityType[e]} \"{text}\" start {p.EntityStart[e]} length {p.EntityLength[e]}");
                Assert.IsTrue(p.EntityScore[e] > 0 && p.EntityScore[e] <= 1, $"row {i}: score {p.EntityScore[e]}");
            }
        }
        // The first test sentence's expected entities, found by their characters.
        var expected = EntitySpans.Chunks(t.TestRows[0].Tags);
        Assert.IsGreaterThan(0, expected.Count);
    }

    [TestMethod]
    public void PredictedLabelMapsBackToTheLabelTexts()
    {
        var t = TaggerFixture.Model;
        var scored = t.Ml.Transforms.Conversion.MapKeyToValue("PredictedTags", TaggingColumns.PredictedLabel).Fit(t.Model.Transform(t.Test)).Transform(t.Model.Transform(t.Test));
        var column = scored.Schema["PredictedTags"];
        Assert.IsInstanceOfType<VectorDataViewType>(column.Type);
        var tags = scored.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).Select(v => v.DenseValues().Select(x => x.ToString()).ToArray()).ToArray();
        int same = tags.Zip(t.TestRows).Count(p => p.First.SequenceEqual(p.Second.Tags));
        Assert.IsGreaterThanOrEqualTo(0.5 * tags.Length, same, "most sentences are labelled exactly");
    }

    [TestMethod]
    public void ATextLongerThanAWindowIsReadInFull()
    {
        // Six sentences in one text: well over the 32 tokens of a window, so it is read in several windows of whole words.
        var t = TaggerFixture.Model;
        string text = string.Join(" ", t.TestRows.Take(6).Select(r => r.Text));
        string[] expected = t.TestRows.Take(6).SelectMany(r => r.Tags).ToArray();
        using var engine = t.Ml.Model.CreatePredictionEngine<Samples.Data.TaggedSentence, TaggerFixture.Prediction>(t.Model);
        var p = engine.Predict(new Samples.Data.TaggedSentence { Text = text, Tags = expected });
        Assert.HasCount(expected.Length, p.PredictedLabel, "one label per word, the words of every window");
        Assert.IsGreaterThanOrEqualTo(6, p.EntityStart.Length, "entities are found in every part of the text");
        Assert.IsTrue(p.EntityStart.Zip(p.EntityLength).All(s => s.First >= 0 && s.First + s.Second <= text.Length));
        Assert.IsGreaterThan(text.Length / 2, p.EntityStart.Max(), "the last windows are tagged too");
    }

    [TestMethod]
    public void PredictionEngineMatchesTransform()
    {
        var t = TaggerFixture.Model;
        var batch = t.Ml.Data.CreateEnumerable<TaggerFixture.Prediction>(t.Model.Transform(t.Test), false).Take(20).ToArray();
        using var engine = t.Ml.Model.CreatePredictionEngine<Samples.Data.TaggedSentence, TaggerFixture.Prediction>(t.Model);
        for (int i = 0; i < batch.Length; i++)
        {
            var one = engine.Predict(t.TestRows[i]);
            CollectionAssert.AreEqual(batch[i].PredictedLabel, one.PredictedLabel, $"row {i}");
            CollectionAssert.AreEqual(batch[i].EntityStart, one.EntityStart, $"row {i}");
            CollectionAssert.AreEqual(batch[i].EntityType, one.EntityType, $"row {i}");
        }
    }

    [TestMethod]
    public void IoLabelsWorkToo()
    {
        var t = TaggerFixture.Train(TestSeed.Shift(3), io: true);
        var metrics = EntityMetrics.Evaluate(t.Model.Transform(t.Test));
        Console.WriteLine($"IO entity F1 {metrics.Overall.F1:F4}");
        Assert.IsGreaterThanOrEqualTo(0.8, metrics.Overall.F1);
        Assert.IsFalse(metrics.PerType.ContainsKey("B-name"));
    }
}
