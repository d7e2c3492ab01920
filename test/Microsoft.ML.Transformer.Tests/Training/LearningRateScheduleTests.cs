using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class LearningRateScheduleTests
{
    private const double Peak = 1e-3, Min = 1e-5;

    [TestMethod]
    public void WarmupRisesLinearlyToThePeak()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Cosine, Peak, Min, warmupSteps: 10, totalSteps: 110);
        Assert.AreEqual(Peak / 10, s.At(0), 1e-15, "the first step already moves the weights");
        Assert.AreEqual(Peak * 5 / 10, s.At(4), 1e-15);
        Assert.AreEqual(Peak, s.At(9), 1e-15, "the last warm-up step is at the peak");
        Assert.AreEqual(Peak, s.At(10), 1e-15, "decay starts from the peak");
    }

    [TestMethod]
    public void CosineEndsAtTheMinimumAndPassesTheMidpointHalfway()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Cosine, Peak, Min, warmupSteps: 10, totalSteps: 110);
        Assert.AreEqual((Peak + Min) / 2, s.At(60), 1e-15);
        Assert.AreEqual(Min, s.At(110), 1e-15);
        Assert.AreEqual(Min, s.At(1_000), 1e-15, "past the end it stays at the minimum");
        for (long step = 11; step <= 110; step++)
            Assert.IsLessThan(s.At(step - 1), s.At(step), $"step {step} does not decrease");
    }

    [TestMethod]
    public void LinearEndsAtTheMinimumAndPassesTheMidpointHalfway()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Linear, Peak, Min, warmupSteps: 0, totalSteps: 100);
        Assert.AreEqual(Peak, s.At(0), 1e-15);
        Assert.AreEqual((Peak + Min) / 2, s.At(50), 1e-15);
        Assert.AreEqual(Peak - (Peak - Min) * 0.25, s.At(25), 1e-15);
        Assert.AreEqual(Min, s.At(100), 1e-15);
    }

    [TestMethod]
    public void ConstantStaysAtThePeakAfterWarmup()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Constant, Peak, Min, warmupSteps: 4, totalSteps: 10);
        Assert.AreEqual(Peak / 4, s.At(0), 1e-15);
        Assert.AreEqual(Peak, s.At(4), 1e-15);
        Assert.AreEqual(Peak, s.At(1_000_000), 1e-15);
    }

    [TestMethod]
    public void ScheduleIsAPureFunctionOfTheStep()
    {
        var a = LearningRateSchedule.From(new TrainingOptions { LearningRate = Peak, WarmupSteps = 3 }, 50);
        var b = LearningRateSchedule.From(new TrainingOptions { LearningRate = Peak, WarmupSteps = 3 }, 50);
        double[] forward = Enumerable.Range(0, 60).Select(i => a.At(i)).ToArray();
        double[] backward = Enumerable.Range(0, 60).Reverse().Select(i => b.At(i)).Reverse().ToArray();
        CollectionAssert.AreEqual(forward, backward);
    }
}
