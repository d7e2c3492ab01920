using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class TrainingOptionsTests
{
    [TestMethod]
    public void TheDocumentedDefaultsHoldAndAreValid()
    {
        var defaults = new TrainingOptions();
        defaults.Validate();
        Assert.AreEqual(3, defaults.Epochs);
        Assert.AreEqual(3e-4, defaults.LearningRate);
        Assert.IsNull(defaults.WarmupSteps, "the warm-up is a share of the run unless set");
        Assert.AreEqual(32, defaults.BatchSize);
        Assert.AreEqual(42, defaults.Seed);
        Assert.AreEqual(LearningRateScheduleKind.Cosine, defaults.Schedule);
        Assert.IsFalse(defaults.EpochsIsSet || defaults.LearningRateIsSet, "a default is not a user's choice: the classifier may choose these from the data");
    }

    [TestMethod]
    public void DefaultWeightDecayIsNotTorchSharpsZero() => Assert.AreEqual(0.01, new TrainingOptions().WeightDecay);

    [TestMethod]
    public void ValidationNamesTheOptionWhatIsExpectedAndWhatWasFound()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { GradientAccumulationSteps = 0 }.Validate());
        StringAssert.Contains(e.Message, "GradientAccumulationSteps must be at least 1; found 0");

        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { LearningRate = 1e-3, MinLearningRate = 0.1 }.Validate());
        StringAssert.Contains(e.Message, "MinLearningRate must be between 0 and LearningRate (0.001); found 0.1");

        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { TimeBudget = TimeSpan.Zero }.Validate());
        StringAssert.Contains(e.Message, "TimeBudget");

        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { Precision = (Microsoft.ML.Transformer.Modeling.Precision)7 }.Validate());
        StringAssert.Contains(e.Message, "Precision must be null, Float32 or BFloat16; found 7");
    }
}
