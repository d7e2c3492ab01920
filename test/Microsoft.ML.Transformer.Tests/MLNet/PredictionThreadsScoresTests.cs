using System.Globalization;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.Fixtures;
using Microsoft.ML.Transformer.Tests.Reliability;
using static Microsoft.ML.Transformer.Tests.MLNet.PredictionThreadsTests;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>
/// Scores under the serving thread policy: a few kernels split their sums by libtorch's intra-op thread count, so the
/// policy fixes that count for predictions; a row then scores bitwise the same whatever the calling thread's setting
/// and however many threads predict at once.
/// </summary>
[TestClass]
public sealed class PredictionThreadsScoresTests
{
    private static readonly string[] Texts =
        RandomTextTests.Strings(120, seed: 5).Concat(ClassifierFixture.Rows(100, seed: 3).Select(r => r.Text)).ToArray();

    private static string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string[] Classify(IEnumerable<string> texts)
    {
        var t = ClassifierFixture.Model;
        using var engine = t.Ml.Model.CreatePredictionEngine<ClassifierFixture.Row, ClassifierFixture.Prediction>(t.Model);
        return texts.Select(text => string.Join(",", engine.Predict(new ClassifierFixture.Row { Text = text }).Score.Select(F))).ToArray();
    }

    private static string[] Generate(IEnumerable<string> texts)
    {
        var ml = new MLContext(0);
        var model = ml.Model.Load(SavedFixtures.Zip("generator"), out _);
        using var engine = ml.Model.CreatePredictionEngine<RandomTextTests.TextRow, RandomTextTests.Generated>(model);
        return texts.Select(text => engine.Predict(new RandomTextTests.TextRow { Source = text }) is var g ? g.Output + " " + F(g.LogProbability) : "").ToArray();
    }

    private static int Differing(string[] a, string[] b) => a.Zip(b).Count(p => p.First != p.Second);

    [TestMethod]
    public void APredictionScoresTheSameWhateverTheCallersLibtorchSetting()
    {
        _ = ClassifierFixture.Model; // trained here, with this thread's setting, not inside one of the threads below
        int forNewThreads = FreshCount();
        bool before = ServingThreads.OneThreadPerPrediction;
        ServingThreads.OneThreadPerPrediction = true;
        try
        {
            var one = OnThread(1, () => Classify(Texts));
            var generatedOne = OnThread(1, () => Generate(Texts.Take(40)));
            foreach (int threads in new[] { 2, 3, 4, 8 })
            {
                CollectionAssert.AreEqual(one, OnThread(threads, () => Classify(Texts)), $"classifier, caller's setting {threads}");
                CollectionAssert.AreEqual(generatedOne, OnThread(threads, () => Generate(Texts.Take(40))), $"generator, caller's setting {threads}");
            }

            // What the policy prevents, measured rather than asserted (it depends on the CPU's kernels).
            ServingThreads.OneThreadPerPrediction = false;
            foreach (int threads in new[] { 2, 4, 8 })
                Console.WriteLine($"without the policy, libtorch at {threads} threads against 1: classifier {Differing(one, OnThread(threads, () => Classify(Texts)))} " +
                    $"of {one.Length} rows differ, generator {Differing(generatedOne, OnThread(threads, () => Generate(Texts.Take(40))))} of {generatedOne.Length}");
            CollectionAssert.AreEqual(one, OnThread(1, () => Classify(Texts)), "the policy computes what libtorch computes with one thread");
        }
        finally
        {
            ServingThreads.OneThreadPerPrediction = before;
            OnThread(forNewThreads, () => 0);
        }
    }

    [TestMethod]
    public void EightThreadsPredictingAtOnceScoreAsOne()
    {
        _ = ClassifierFixture.Model;
        int forNewThreads = FreshCount();
        bool before = ServingThreads.OneThreadPerPrediction;
        ServingThreads.OneThreadPerPrediction = true;
        try
        {
            var alone = OnThread(2, () => Classify(Texts));
            var threads = Enumerable.Range(0, 8).Select(t => Task.Run(() => OnThread(2, () => Classify(Texts.Skip(t * 7).Concat(Texts.Take(t * 7)))))).ToArray();
            Task.WaitAll(threads);
            for (int t = 0; t < threads.Length; t++)
                CollectionAssert.AreEqual(alone.Skip(t * 7).Concat(alone.Take(t * 7)).ToArray(), threads[t].Result, $"thread {t}");
        }
        finally
        {
            ServingThreads.OneThreadPerPrediction = before;
            OnThread(forNewThreads, () => 0);
        }
    }
}
