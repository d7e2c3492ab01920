using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>Chooses the TorchSharp device for a <see cref="ComputeDevice"/> request.</summary>
internal static class TorchDevice
{
    /// <summary>
    /// Loads the native backend. Without this, a missing TorchSharp-cpu/-cuda package surfaces as a bare
    /// DllNotFoundException deep inside a module constructor; with it, TorchSharp says which package is missing.
    /// The process-wide settings of <see cref="MemoryManagement"/> and <see cref="MklDispatch"/> are made here, before
    /// the first tensors and the first product.
    /// </summary>
    public static void EnsureBackend()
    {
        MemoryManagement.EnsureConfigured();
        InitializeDeviceType(DeviceType.CPU);
        MklDispatch.EnsureConfigured();
    }

    /// <summary>
    /// The device for <paramref name="requested"/>. CUDA that is asked for but unavailable falls back to the CPU
    /// with a message through <paramref name="log"/> when <paramref name="allowFallback"/>, and throws otherwise.
    /// <see cref="ComputeDevice.Auto"/> takes CUDA when present and says which it took. <paramref name="info"/> hears
    /// what <see cref="MemoryManagement"/> and <see cref="MklDispatch"/> did.
    /// </summary>
    /// <exception cref="InvalidOperationException">CUDA was required and is not available.</exception>
    public static Device Resolve(ComputeDevice requested, bool allowFallback = true, Action<string>? log = null, Action<string>? info = null)
    {
        EnsureBackend();
        MemoryManagement.Report(info);
        MklDispatch.Report(info);
        switch (requested)
        {
            case ComputeDevice.Cpu:
                return CPU;
            case ComputeDevice.Cuda when CudaAvailable():
                return CUDA;
            case ComputeDevice.Cuda when allowFallback:
                log?.Invoke($"CUDA was requested but is not available ({Reason()}); using the CPU instead.");
                return CPU;
            case ComputeDevice.Cuda:
                throw new InvalidOperationException(
                    $"CUDA was requested but is not available ({Reason()}). Reference the TorchSharp-cuda-linux or " +
                    "TorchSharp-cuda-windows package on a machine with an NVIDIA GPU, or ask for ComputeDevice.Cpu or Auto.");
            case ComputeDevice.Auto:
                var device = CudaAvailable() ? CUDA : CPU;
                log?.Invoke($"Computing on {device.type}.");
                return device;
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, $"Unknown {nameof(ComputeDevice)} ({requested}).");
        }
    }

    private static bool CudaAvailable()
    {
        try
        {
            return cuda.is_available();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or NotSupportedException)
        {
            return false; // a CPU-only native backend
        }
    }

    private static string Reason() =>
        TryInitializeDeviceType(DeviceType.CUDA) ? "no CUDA device found" : "the loaded libtorch has no CUDA support";
}
