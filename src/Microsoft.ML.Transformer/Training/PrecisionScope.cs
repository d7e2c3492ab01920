using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Sets the product precision of every network inside a module for one training run and puts back what each had on
/// dispose: a fitted network then computes as before training, as the same network loaded from a zip does.
/// </summary>
internal sealed class PrecisionScope : IDisposable
{
    private readonly (EncoderDecoderModel Network, Precision Before)[] _networks;

    public PrecisionScope(nn.Module model, Precision precision)
    {
        _networks = model.modules().Prepend(model).OfType<EncoderDecoderModel>().Select(n => (n, n.Precision)).ToArray();
        foreach (var (network, _) in _networks)
            network.Precision = precision;
    }

    public void Dispose()
    {
        foreach (var (network, before) in _networks)
            network.Precision = before;
    }
}
