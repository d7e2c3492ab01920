using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>What every estimator that runs a network does before it builds or copies one: it resolves the device.</summary>
internal static class NetworkStart
{
    /// <summary>
    /// The device <paramref name="options"/> ask for; CUDA that is missing falls back to the CPU with a warning on
    /// <paramref name="channel"/>, or throws when the options do not allow it.
    /// </summary>
    public static Device Resolve(IDeviceOptions options, IChannel channel) =>
        TorchDevice.Resolve(options.Device, options.AllowCpuFallback, channel.Warning, channel.Info);
}
