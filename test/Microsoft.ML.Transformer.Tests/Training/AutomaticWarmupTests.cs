using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class AutomaticWarmupTests
{
    [TestMethod]
    public void AShortRunWarmsUpForAShareOfItsStepsOnly()
    {
        var options = new TrainingOptions();
        Assert.IsNull(options.WarmupSteps, "automatic by default");
        Assert.AreEqual(2, options.WarmupFor(24), "8% of 24 steps, rounded up: the 250-row fit is no longer all warm-up");
        Assert.AreEqual(32, options.WarmupFor(400));
        Assert.AreEqual(1, options.WarmupFor(1), "at least one step");
        var schedule = LearningRateSchedule.From(options, 24);
        Assert.AreEqual(options.LearningRate, schedule.At(1), 1e-15, "at the peak after the warm-up");
    }

    [TestMethod]
    public void ALongRunWarmsUpForAtMostTheCap()
    {
        var options = new TrainingOptions();
        Assert.AreEqual(TrainingOptions.AutomaticWarmupMaxSteps, options.WarmupFor(100_000));
        Assert.AreEqual(TrainingOptions.AutomaticWarmupMaxSteps, options.WarmupFor(long.MaxValue), "a run of unknown length");
    }

    [TestMethod]
    public void AnExplicitWarmupWins()
    {
        var options = new TrainingOptions { WarmupSteps = 300 };
        Assert.AreEqual(300, options.WarmupFor(24));
        Assert.AreEqual(0, new TrainingOptions { WarmupSteps = 0 }.WarmupFor(1_000));
    }

    [TestMethod]
    public void TheLoopLogsTheChosenWarmup()
    {
        var lines = new List<string>();
        var options = new TrainingOptions { Epochs = 1, BatchSize = 4, LogEveryNSteps = 1_000, Seed = 3 };
        using var model = TorchSharp.torch.nn.Linear(2, 1);
        using var loop = new TrainingLoop(model, options, log: lines.Add);
        var batches = Enumerable.Range(0, 25).Select(_ => new Disposable()).ToArray();
        loop.Run(_ => batches, _ => (TorchSharp.torch.pow(model.forward(TorchSharp.torch.ones(1, 2)), 2).sum(), 1L));
        Assert.IsTrue(lines.Any(l => l.StartsWith("Warm-up: 2 steps", StringComparison.Ordinal) && l.Contains("25 steps")),
            string.Join("\n", lines));
    }

    private sealed class Disposable : IDisposable
    {
        public void Dispose() { }
    }
}
