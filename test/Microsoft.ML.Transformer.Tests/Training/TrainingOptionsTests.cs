using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class TrainingOptionsTests
{
    [TestMethod]
    public void DefaultsAreValid() => new TrainingOptions().Validate();

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
