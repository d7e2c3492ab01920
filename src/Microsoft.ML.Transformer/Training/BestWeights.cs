using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>A copy of a model's weights at its best evaluation, to put back when training ends.</summary>
internal sealed class BestWeights : IDisposable
{
    private Dictionary<string, Tensor>? _tensors;

    /// <summary>The copied tensors, by state-dictionary name; null before the first capture.</summary>
    public IReadOnlyDictionary<string, Tensor>? Tensors => _tensors;

    /// <summary>Replaces the copy with the model's current weights and buffers.</summary>
    public void Capture(nn.Module model)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
        using (NewDisposeScope())
            foreach (var (name, tensor) in model.state_dict())
                // The scope frees the detached views; the clones leave it and live until the next capture or Dispose.
                copy[name] = tensor.detach().clone().DetachFromDisposeScope();
        Set(copy);
    }

    /// <summary>Takes ownership of tensors read from a checkpoint.</summary>
    public void Set(Dictionary<string, Tensor>? tensors)
    {
        Dispose();
        _tensors = tensors;
    }

    /// <summary>Copies the kept weights back into <paramref name="model"/>; false when there are none.</summary>
    public bool Restore(nn.Module model)
    {
        if (_tensors is null)
            return false;
        using (no_grad())
            model.load_state_dict(_tensors, strict: true);
        return true;
    }

    /// <summary>Frees the copy.</summary>
    public void Dispose()
    {
        if (_tensors is null)
            return;
        foreach (var t in _tensors.Values)
            t.Dispose();
        _tensors = null;
    }
}
