using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class MklDispatchTests
{
    [TestMethod]
    public void MklTakesItsInstructionSetKernelsOnAmdAndIsLeftAloneElsewhere()
    {
        TorchDevice.EnsureBackend();
        string description = MklDispatch.Description!;
        if (!MklDispatch.Enabled)
        {
            StringAssert.Contains(description, $"the AppContext switch {MklDispatch.SwitchName} is false");
            return;
        }
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            StringAssert.Contains(description, "left alone (not an x64 process)");
            return;
        }
        string vendor = MklVendorCheck.Vendor();
        if (vendor != "AuthenticAMD")
        {
            StringAssert.Contains(description, $"left alone ({vendor} CPU");
            return;
        }
        // The pinned libtorch's MKL has the vendor check the library knows: a TorchSharp upgrade that changes it must
        // fail here rather than silently halve float32 products on AMD CPUs.
        StringAssert.Contains(description, "chosen by the CPU's instruction sets on this AMD CPU");
        StringAssert.Contains(description, MklDispatch.SwitchName, "the log says how to opt out");
        Assert.AreEqual(1, MklSaysIntel(), "MKL's own vendor check now answers Intel");
    }

    [TestMethod]
    public void Float32ProductsMatchADoublePrecisionReference()
    {
        TorchDevice.EnsureBackend();
        using var scope = NewDisposeScope();
        // Odd sizes reach the kernels' edge cases as well as their full blocks.
        const int rows = 67, inner = 300, columns = 129;
        var generator = new torch.Generator(7);
        var x = randn(rows, inner, generator: generator);
        var w = randn(columns, inner, generator: generator);
        var b = randn(columns, generator: generator);
        float[] product = nn.functional.linear(x, w, b).data<float>().ToArray();
        float[] xs = x.data<float>().ToArray(), ws = w.data<float>().ToArray(), bs = b.data<float>().ToArray();
        double worst = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double expected = bs[j];
                for (int k = 0; k < inner; k++)
                    expected += (double)xs[i * inner + k] * ws[j * inner + k];
                worst = Math.Max(worst, Math.Abs(product[i * columns + j] - expected));
            }
        // Sums of 300 products of unit normals are about 17 in size; float32 rounding leaves errors near 1e-5 of that.
        Assert.IsTrue(worst < 1e-3, $"largest difference from the double-precision product: {worst:E2}");
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int VendorCheck();

    // Calls the exported mkl_serv_intel_cpu_true of the loaded libtorch, as MKL itself does.
    private static int MklSaysIntel()
    {
        string library = OperatingSystem.IsWindows() ? "torch_cpu.dll" : "libtorch_cpu.so";
        Assert.IsTrue(NativeLibrary.TryLoad(library, out var handle), $"{library} is loaded");
        return Marshal.GetDelegateForFunctionPointer<VendorCheck>(NativeLibrary.GetExport(handle, "mkl_serv_intel_cpu_true"))();
    }
}
