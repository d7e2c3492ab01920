using System.Collections.Concurrent;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Scoring;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>
/// The serving thread policy (<see cref="ServingThreads"/>): a prediction runs libtorch with one intra-op thread
/// on its own thread only, for the length of the call, and leaves every other thread's setting, and the setting new
/// threads start with, as it found them.
/// </summary>
[TestClass]
public sealed class PredictionThreadsTests
{
    /// <summary>Scores each row with the intra-op count libtorch has on the scoring thread; "fail" throws.</summary>
    private sealed class ThreadCountScorer : ITextBatchScorer
    {
        public IReadOnlyList<string> InputColumns => ["Text"];
        public IReadOnlyList<ScoreColumn> OutputColumns => [new("Threads", NumberDataViewType.Single)];
        public int BatchSize => 4;

        public void Score(IReadOnlyList<string[]> texts, object[][] results)
        {
            for (int r = 0; r < texts.Count; r++)
            {
                if (texts[r][0] == "fail") throw new InvalidOperationException("scorer failed on purpose");
                results[r][0] = (float)get_num_threads();
            }
        }
    }

    private sealed class ThreadCountTransformer(IHostEnvironment env) : TextModelTransformerBase(env, "ThreadCount", network: null, () => new ThreadCountScorer())
    {
        private protected override void SaveModel(ModelSaveContext ctx) => throw new NotSupportedException("test transformer");
    }

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class Counted
    {
        public float Threads { get; set; }
    }

    /// <summary>Runs <paramref name="work"/> on a new thread whose libtorch intra-op count is <paramref name="threads"/>.</summary>
    internal static T OnThread<T>(int threads, Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            // A thread's first libtorch call sets its count to what new threads start with: make it before setting ours.
            try { get_num_threads(); set_num_threads(threads); result = work(); }
            catch (Exception e) { error = e; }
        });
        thread.Start();
        thread.Join();
        return error == null ? result : throw new AggregateException(error);
    }

    /// <summary>The intra-op count a thread that has not used libtorch yet starts with.</summary>
    internal static int FreshCount()
    {
        int count = 0;
        var thread = new Thread(() => count = get_num_threads());
        thread.Start();
        thread.Join();
        return count;
    }

    [TestMethod]
    public void ThePolicyIsOnByDefault() => Assert.IsTrue(ServingThreads.OneThreadPerPrediction);

    [TestMethod]
    public void APredictionUsesOneThreadAndGivesTheCallerItsSettingBack()
    {
        bool before = ServingThreads.OneThreadPerPrediction;
        ServingThreads.OneThreadPerPrediction = true;
        try { OneThreadAndBack(); }
        finally { ServingThreads.OneThreadPerPrediction = before; }
    }

    private static void OneThreadAndBack()
    {
        int forNewThreads = NewThreadCount.Instance.Count;
        var ml = new MLContext(0);
        var messages = new ConcurrentQueue<string>();
        ml.Log += (_, e) => messages.Enqueue(e.Message);
        var model = new ThreadCountTransformer(ml);

        using var otherReady = new ManualResetEventSlim();
        using var predicted = new ManualResetEventSlim();
        int otherDuring = 0;
        var other = new Thread(() => { get_num_threads(); set_num_threads(2); otherReady.Set(); predicted.Wait(); otherDuring = get_num_threads(); });
        other.Start();
        otherReady.Wait();

        var (during, after, afterFailure) = OnThread(3, () =>
        {
            using var engine = ml.Model.CreatePredictionEngine<Row, Counted>(model);
            float seen = engine.Predict(new Row { Text = "a row" }).Threads;
            int back = get_num_threads();
            Assert.Throws<InvalidOperationException>(() => engine.Predict(new Row { Text = "fail" }));
            return (seen, back, get_num_threads());
        });
        predicted.Set();
        other.Join();

        Assert.AreEqual(1f, during, "libtorch's intra-op threads during a prediction");
        Assert.AreEqual(3, after, "the calling thread's setting after a prediction");
        Assert.AreEqual(3, afterFailure, "the calling thread's setting after a prediction that threw");
        Assert.AreEqual(2, otherDuring, "another thread's setting");
        Assert.IsTrue(messages.Any(m => m.Contains("1 intra-op thread") && m.Contains(ServingThreads.SwitchName)), "the log names the policy");

        // The calling thread's set_num_threads(3) and the policy's changes also set what new threads start with; the
        // policy puts back what it read before its first change (asynchronously, hence the wait).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (FreshCount() != forNewThreads && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.AreEqual(forNewThreads, FreshCount(), "the count new threads start with");
    }

    [TestMethod]
    public void TheOptOutLeavesLibtorchsSetting()
    {
        int forNewThreads = FreshCount();
        var ml = new MLContext(0);
        var model = new ThreadCountTransformer(ml);
        bool before = ServingThreads.OneThreadPerPrediction;
        ServingThreads.OneThreadPerPrediction = false;
        try
        {
            float seen = OnThread(3, () => ml.Model.CreatePredictionEngine<Row, Counted>(model).Predict(new Row { Text = "a row" }).Threads);
            Assert.AreEqual(3f, seen);
        }
        finally
        {
            ServingThreads.OneThreadPerPrediction = before;
            OnThread(forNewThreads, () => 0); // this test's set_num_threads(3) also set what new threads start with
        }
    }

    [TestMethod]
    public void TransformKeepsLibtorchsSetting()
    {
        int forNewThreads = FreshCount();
        var ml = new MLContext(0);
        var model = new ThreadCountTransformer(ml);
        var rows = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a" }, new Row { Text = "b" } });
        var seen = OnThread(3, () => ml.Data.CreateEnumerable<Counted>(model.Transform(rows), false).Select(c => c.Threads).ToArray());
        OnThread(forNewThreads, () => 0);
        CollectionAssert.AreEqual(new[] { 3f, 3f }, seen);
    }
}
