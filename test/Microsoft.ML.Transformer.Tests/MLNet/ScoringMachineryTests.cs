using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>
/// The lazy, mini-batched Transform and the one-row mapper behind PredictionEngine, checked with a scorer whose
/// answers are known (character and word counts), so that any mix-up of rows, columns or batches shows.
/// </summary>
[TestClass]
public sealed class ScoringMachineryTests
{
    private sealed class CountingScorer : ITextBatchScorer
    {
        public int Calls;
        public IReadOnlyList<string> InputColumns => ["Text"];
        public IReadOnlyList<ScoreColumn> OutputColumns =>
        [
            new("Chars", NumberDataViewType.Single),
            new("Counts", new VectorDataViewType(NumberDataViewType.Single, 2)),
            new("Upper", TextDataViewType.Instance),
        ];
        public int BatchSize => 4;

        public void Score(IReadOnlyList<string[]> texts, object[][] results)
        {
            Interlocked.Increment(ref Calls);
            for (int r = 0; r < texts.Count; r++)
            {
                string t = texts[r][0];
                results[r][0] = (float)t.Length;
                results[r][1] = new[] { (float)t.Length, t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length };
                results[r][2] = t.ToUpperInvariant();
            }
        }
    }

    private sealed class CountingTransformer(IHostEnvironment env, CountingScorer scorer) : TextModelTransformerBase(env, "Counting", network: null, () => scorer)
    {
        private protected override void SaveModel(ModelSaveContext ctx) => throw new NotSupportedException("test transformer");
    }

    public sealed class Row
    {
        public string Text { get; set; } = "";
        public float Id { get; set; }
    }

    public sealed class Scored
    {
        public string Text { get; set; } = "";
        public float Id { get; set; }
        public float Chars { get; set; }
        public float[] Counts { get; set; } = [];
        public string Upper { get; set; } = "";
    }

    private static Row[] Rows(int n) =>
        Enumerable.Range(0, n).Select(i => new Row { Text = string.Join(' ', Enumerable.Repeat("w" + i, i % 5 + 1)), Id = i }).ToArray();

    [TestMethod]
    public void TransformScoresInMiniBatchesAndKeepsRowsInOrder()
    {
        var ml = new MLContext(1);
        var scorer = new CountingScorer();
        var rows = Rows(10);
        var scored = ml.Data.CreateEnumerable<Scored>(new CountingTransformer(ml, scorer).Transform(ml.Data.LoadFromEnumerable(rows)), false).ToArray();

        Assert.HasCount(10, scored);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(rows[i].Text, scored[i].Text);
            Assert.AreEqual(rows[i].Id, scored[i].Id);
            Assert.AreEqual(rows[i].Text.Length, scored[i].Chars);
            CollectionAssert.AreEqual(new[] { (float)rows[i].Text.Length, i % 5 + 1 }, scored[i].Counts);
            Assert.AreEqual(rows[i].Text.ToUpperInvariant(), scored[i].Upper);
        }
        Assert.AreEqual(3, scorer.Calls, "10 rows in batches of 4 take 3 calls");
    }

    [TestMethod]
    public void CursorThatNeedsNoAddedColumnScoresNothing()
    {
        var ml = new MLContext(1);
        var scorer = new CountingScorer();
        var view = new CountingTransformer(ml, scorer).Transform(ml.Data.LoadFromEnumerable(Rows(10)));
        var ids = view.GetColumn<float>("Id").ToArray();
        Assert.HasCount(10, ids);
        Assert.AreEqual(0, scorer.Calls);
    }

    [TestMethod]
    public void PredictionEngineMatchesTransformOnEveryRowAndThread()
    {
        var ml = new MLContext(1);
        var transformer = new CountingTransformer(ml, new CountingScorer());
        var rows = Rows(40);
        var batched = ml.Data.CreateEnumerable<Scored>(transformer.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToArray();

        var threads = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var engine = ml.Model.CreatePredictionEngine<Row, Scored>(transformer);
            return rows.Select(r => engine.Predict(r)).Select(s => (s.Chars, s.Counts.ToArray(), s.Upper)).ToArray();
        })).ToArray();
        Task.WaitAll(threads);
        foreach (var t in threads)
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.AreEqual(batched[i].Chars, t.Result[i].Chars);
                CollectionAssert.AreEqual(batched[i].Counts, t.Result[i].Item2);
                Assert.AreEqual(batched[i].Upper, t.Result[i].Upper);
            }
    }

    [TestMethod]
    public void MissingOrNonTextInputColumnIsNamed()
    {
        var ml = new MLContext(1);
        var transformer = new CountingTransformer(ml, new CountingScorer());
        var noText = ml.Data.LoadFromEnumerable(new[] { new { Body = "x" } });
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(noText));
        StringAssert.Contains(missing.Message, "'Text' was not found");
        StringAssert.Contains(missing.Message, "'Body'");

        var numeric = ml.Data.LoadFromEnumerable(new[] { new { Text = 1.5f } });
        var wrong = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(numeric.Schema));
        StringAssert.Contains(wrong.Message, "'Text' must be of type String");
        StringAssert.Contains(wrong.Message, "Single");
    }
}
