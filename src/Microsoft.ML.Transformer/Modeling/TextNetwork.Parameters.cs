using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

// What the optimiser and fine-tuning need to know about the parameters.
internal sealed partial class TextNetwork
{
    /// <summary>
    /// Every parameter with its name and whether it should get weight decay: only 2-D weight matrices of projections
    /// do. Biases, layer norms and embeddings (token and learned position tables) do not — decaying them only pulls
    /// rarely-seen tokens and the norms' gains towards 0.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter, bool Decay)> ParameterGroups()
    {
        var embeddingPrefixes = named_modules()
            .Where(m => m.Item2 is TokenEmbedding or LearnedPositions)
            .Select(m => m.Item1 + ".")
            .ToList();
        foreach (var (name, parameter) in named_parameters())
        {
            bool isEmbedding = embeddingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
            yield return (name, parameter, parameter.dim() == 2 && !isEmbedding);
        }
    }

    /// <summary>Total number of parameter values (a tied matrix counts once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Stops (or resumes) training of the token embeddings and learned position tables. With tied embeddings this
    /// freezes the output head too, since it is the same matrix.
    /// </summary>
    public void FreezeEmbeddings(bool frozen = true)
    {
        foreach (var module in modules().Where(m => m is TokenEmbedding or LearnedPositions))
            SetTrainable(module, !frozen);
    }

    /// <summary>
    /// Freezes the lowest <paramref name="count"/> layers of each stack (encoder and decoder), the usual first step
    /// of fine-tuning a small dataset: low layers hold general features, high layers the task-specific ones.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or exceeds a stack's depth.</exception>
    public void FreezeLowestLayers(int count)
    {
        int deepest = Math.Max(Options.EncoderLayers, Options.DecoderLayers);
        if (count < 0 || count > deepest)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"FreezeLayers ({count}) must be between 0 and {deepest}, the deepest stack's layer count.");
        foreach (var layer in (encoder?.Layers ?? []).Take(count)) SetTrainable(layer, false);
        foreach (var layer in (decoder?.Layers ?? []).Take(count)) SetTrainable(layer, false);
    }

    /// <summary>
    /// A network that computes in <paramref name="precision"/> on this one's weights, in evaluation mode and prepared
    /// for inference: its parameters share this network's storage (no copy), so this network must not be trained
    /// again while the other is in use. Building it leaves the global random generator as it was.
    /// </summary>
    public TextNetwork InferenceCopy(Precision precision)
    {
        TextNetwork copy;
        using (var state = random.get_rng_state())
        {
            copy = new TextNetwork(Options, Device); // draws initial weights, which the shared ones replace
            random.set_rng_state(state);
        }
        using (no_grad())
        {
            var weights = named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in copy.named_parameters())
                parameter.set_(weights[name]);
        }
        copy.eval();
        copy.Precision = precision;
        copy.PrepareForInference();
        return copy;
    }

    /// <summary>Makes every parameter trainable again.</summary>
    public void Unfreeze() => SetTrainable(this, true);

    private static void SetTrainable(nn.Module module, bool trainable)
    {
        foreach (var parameter in module.parameters()) parameter.requires_grad = trainable;
    }
}
