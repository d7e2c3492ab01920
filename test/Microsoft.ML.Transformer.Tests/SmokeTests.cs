using TorchSharp;

namespace Microsoft.ML.Transformer.Tests;

[TestClass]
public sealed class SmokeTests
{
    [TestMethod]
    public void NativeTorchLoads()
    {
        using var t = torch.ones(2, 3);
        Assert.AreEqual(6.0f, t.sum().item<float>());
    }
}
