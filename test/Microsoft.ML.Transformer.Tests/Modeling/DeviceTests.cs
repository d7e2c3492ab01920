using Microsoft.ML.Transformer.Modeling;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class DeviceTests
{
    [TestMethod]
    public void CpuByDefault() => Assert.AreEqual(DeviceType.CPU, TorchDevice.Resolve(ComputeDevice.Cpu).type);

    [TestMethod]
    public void MissingCudaFallsBackToCpuWithAMessage()
    {
        if (torch.cuda.is_available()) Assert.Inconclusive("This machine has CUDA.");
        var messages = new List<string>();
        var device = TorchDevice.Resolve(ComputeDevice.Cuda, allowFallback: true, messages.Add);
        Assert.AreEqual(DeviceType.CPU, device.type);
        Assert.HasCount(1, messages);
        StringAssert.Contains(messages[0], "CUDA was requested but is not available");
        StringAssert.Contains(messages[0], "using the CPU");
    }

    [TestMethod]
    public void MissingCudaWithoutFallbackIsAClearError()
    {
        if (torch.cuda.is_available()) Assert.Inconclusive("This machine has CUDA.");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => TorchDevice.Resolve(ComputeDevice.Cuda, allowFallback: false));
        StringAssert.Contains(e.Message, "CUDA was requested but is not available");
        StringAssert.Contains(e.Message, "TorchSharp-cuda");
    }

    [TestMethod]
    public void AutoPicksWhatIsThere()
    {
        var messages = new List<string>();
        var device = TorchDevice.Resolve(ComputeDevice.Auto, log: messages.Add);
        Assert.AreEqual(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
        Assert.HasCount(1, messages);
    }
}
