using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Sets the product precision of every network inside a module for one training run and puts back what each had on
/// dispose: a fitted network then computes as before training, as the same network loaded from a zip does.
/// </summary>
internal sealed class PrecisionScope : IDisposable
{
    private readonly (TextNetwork Network, Precision Before)[] _networks;

    public PrecisionScope(nn.Module model, Precision precision)
    {
        _networks = NetworksIn(model).Select(n => (n, n.Precision)).ToArray();
        foreach (var (network, _) in _networks)
            network.Precision = precision;
    }

    /// <summary>The networks a trained module is or holds (a classifier holds its body network).</summary>
    public static IEnumerable<TextNetwork> NetworksIn(nn.Module model) =>
        model.modules().Prepend(model).OfType<TextNetwork>();

    public void Dispose()
    {
        foreach (var (network, before) in _networks)
            network.Precision = before;
    }
}
