using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Checkpoints through the estimator: an interrupted run resumes on the same curve.</summary>
[TestClass]
public sealed class LongRunTests
{
    /// <summary>Cancels the run once a given step is done, as a kill would stop it (no final checkpoint is written).</summary>
    private sealed class StopAt(long step, CancellationTokenSource source) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step == step) source.Cancel();
        }
    }

    [TestMethod]
    public void InterruptedRunResumesFromItsCheckpointOnTheSameCurve()
    {
        var ml = new MLContext(6);
        var data = ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(300, seed: 6));
        var rows = ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(20, seed: 7));
        var options = PretrainingFixture.Tiny(PretrainingObjective.SpanCorruption, steps: 30);
        options.Training.CheckpointEveryNSteps = 10;
        options.Training.Epochs = 10; // several epochs, so the resumed run also skips into a later epoch's batches

        options.Training.CheckpointDirectory = TestPaths.NewTempDir();
        var whole = ml.Transforms.Text.TransformerPretrainer(options).Fit(data);

        options.Training.CheckpointDirectory = TestPaths.NewTempDir();
        using (var cancel = new CancellationTokenSource())
        {
            options.Training.CancellationToken = cancel.Token;
            options.Training.Progress = new StopAt(25, cancel);
            Assert.Throws<OperationCanceledException>(() => ml.Transforms.Text.TransformerPretrainer(options).Fit(data));
        }
        options.Training.CancellationToken = default;
        options.Training.Progress = null;
        var resumed = new MLContext(6).Transforms.Text.TransformerPretrainer(options).Fit(data);

        var a = whole.TrainingHistory!.Records.Select(r => r.Loss).ToArray();
        var b = resumed.TrainingHistory!.Records.Select(r => r.Loss).ToArray();
        Console.WriteLine($"uninterrupted {a[9]:F4} {a[19]:F4} {a[29]:F4}; resumed {b[9]:F4} {b[19]:F4} {b[29]:F4}");
        CollectionAssert.AreEqual(a, b, "steps 21-30 are recomputed from the step-20 checkpoint exactly as the uninterrupted run computed them");
        CollectionAssert.AreEqual(whole.Transform(rows).GetColumn<float>("Loss").ToArray(), resumed.Transform(rows).GetColumn<float>("Loss").ToArray());
    }

    [TestMethod]
    public void TimeBudgetStopsTheRunAndProgressReportsSpeedAndTimeLeft()
    {
        var ml = new MLContext(8);
        var options = PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, steps: 100_000);
        options.Training.TimeBudget = TimeSpan.FromSeconds(2);
        var reports = new List<TrainingProgress>();
        options.Training.Progress = new Reporter(reports);
        var model = ml.Transforms.Text.TransformerPretrainer(options).Fit(ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(300, seed: 8)));
        Assert.IsLessThan(100_000L, model.TrainingHistory!.Records[^1].Step, "stopped by the time budget");
        Assert.IsTrue(reports.All(r => r.TokensPerSecond > 0 && r.EstimatedTimeLeft is not null));
    }

    private sealed class Reporter(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
