using TorchSharp;
using TorchSharp.Modules;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Splits a model's trainable parameters into those that get weight decay and those that do not.
/// Decay is meant for weight matrices; shrinking biases, normalisation gains or embedding rows toward zero only hurts.
/// </summary>
public static class ParameterGroups
{
    /// <summary>
    /// The default rule: a parameter decays when it has at least two dimensions and belongs neither to an embedding
    /// nor to a normalisation layer (recognised by module type, or by "embed" / "norm" in its name).
    /// </summary>
    public static Func<string, Parameter, bool> DefaultDecays(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Modules that own a parameter are found by type, so a custom wrapper around nn.Embedding or nn.LayerNorm works.
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (prefix, module) in model.named_modules())
        {
            if (module is not (Embedding or LayerNorm or GroupNorm or BatchNorm1d or BatchNorm2d))
                continue;
            foreach (var (name, _) in module.named_parameters(recurse: false))
                excluded.Add(prefix.Length == 0 ? name : prefix + "." + name);
        }
        return (name, p) => p.dim() >= 2 && !excluded.Contains(name)
            && !name.Contains("embed", StringComparison.OrdinalIgnoreCase)
            && !name.Contains("norm", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The trainable parameters of <paramref name="model"/>, split by <paramref name="decays"/> (default <see cref="DefaultDecays"/>).</summary>
    public static (IReadOnlyList<Parameter> Decay, IReadOnlyList<Parameter> NoDecay) Split(
        torch.nn.Module model, Func<string, Parameter, bool>? decays = null)
    {
        decays ??= DefaultDecays(model);
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, p) in model.named_parameters())
            if (p.requires_grad)
                (decays(name, p) ? decay : noDecay).Add(p);
        return (decay, noDecay);
    }
}
