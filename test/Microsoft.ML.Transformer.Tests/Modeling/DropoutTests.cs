using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class DropoutTests
{
    [TestMethod]
    [DataRow(0.1)]
    [DataRow(0.5)]
    public void DropsAboutPAndScalesTheRest(double p)
    {
        using var scope = NewDisposeScope();
        var x = ones(1000, 1000).requires_grad_(true);
        var y = Dropout.Apply(x, p, training: true);
        double dropped = y.eq(0).to(ScalarType.Float64).mean().item<double>();
        Assert.AreEqual(p, dropped, 0.003, "fraction dropped (1 M elements: ±0.003 is > 5 standard deviations)");
        Assert.AreEqual(1 / (1 - p), y.max().item<float>(), 1e-5);
        y.sum().backward();
        Assert.AreEqual(0.0, (x.grad! - y.detach()).abs().max().item<float>(), "the gradient is the same mask and scale");
    }

    [TestMethod]
    public void FollowsTorchSeedAndIsIdentityOutsideTraining()
    {
        using var scope = NewDisposeScope();
        var x = randn(64, 64);
        random.manual_seed(5);
        var a = Dropout.Apply(x, 0.3, training: true);
        random.manual_seed(5);
        var b = Dropout.Apply(x, 0.3, training: true);
        Assert.IsTrue(a.equal(b).all().item<bool>());
        Assert.IsFalse(a.equal(Dropout.Apply(x, 0.3, training: true)).all().item<bool>());
        Assert.AreSame(x, Dropout.Apply(x, 0.3, training: false));
        Assert.AreSame(x, Dropout.Apply(x, 0.0, training: true));
    }

    [TestMethod]
    public void OddSizesAndOtherTypesWork()
    {
        using var scope = NewDisposeScope();
        var x = ones([3, 5, 7], ScalarType.BFloat16);
        var y = Dropout.Apply(x, 0.2, training: true);
        Assert.AreEqual(ScalarType.BFloat16, y.dtype);
        CollectionAssert.AreEqual(x.shape, y.shape);
    }
}
