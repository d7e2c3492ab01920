using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// What every estimator that runs a network does before it builds or copies one: it resolves the device; a trainer
/// also seeds the initial weights and, fine-tuning, freezes what must not change.
/// </summary>
internal static class NetworkStart
{
    /// <summary>
    /// The device <paramref name="options"/> ask for; CUDA that is missing falls back to the CPU with a warning on
    /// <paramref name="channel"/>, or throws when the options do not allow it.
    /// </summary>
    public static Device Resolve(IDeviceOptions options, IChannel channel) =>
        TorchDevice.Resolve(options.Device, options.AllowCpuFallback, channel.Warning, channel.Info);

    /// <summary>Resolves the device (see <see cref="Resolve"/>), then seeds torch: the initial weights, like everything else, follow the seed.</summary>
    public static Device Begin(IDeviceOptions options, TrainingOptions training, IChannel channel)
    {
        var device = Resolve(options, channel);
        torch.manual_seed(training.Seed);
        return device;
    }

    /// <summary>Keeps what <paramref name="options"/> freeze (the embeddings, the lowest layers) fixed while training.</summary>
    public static void Freeze(TextNetwork network, IFineTuningOptions options)
    {
        if (options.FreezeEmbeddings) network.FreezeEmbeddings();
        if (options.FreezeLayers > 0) network.FreezeLowestLayers(options.FreezeLayers);
    }
}
