using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Interop;

/// <summary>
/// A module's state (parameters and buffers) ↔ safetensors tensors, by the module's state-dict names
/// (docs/MODEL_FOLDER.md lists them). Loading checks every name, shape and dtype before it changes anything. Tensors the
/// network computes from its options (the sinusoidal position tables) are not state and are left out.
/// </summary>
internal static class NetworkTensors
{
    private static readonly Dictionary<ScalarType, string> DTypes = new()
    {
        [ScalarType.Float32] = "F32", [ScalarType.Float64] = "F64", [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32", [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
    };

    /// <summary>Every tensor of the module's state, in state-dict order, as little-endian bytes copied to the CPU.</summary>
    public static List<SafeTensor> Collect(nn.Module module)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Exporting safetensors needs a little-endian machine.");
        using var scope = NewDisposeScope();
        var tensors = new List<SafeTensor>();
        foreach (var (name, tensor) in State(module))
        {
            var cpu = tensor.detach().cpu().contiguous();
            tensors.Add(new SafeTensor(name, DType(tensor.dtype, name), cpu.shape, cpu.bytes.ToArray()));
        }
        return tensors;
    }

    /// <summary>
    /// Copies <paramref name="tensors"/> into <paramref name="module"/>: every name of its state must be present once, with
    /// its shape and dtype, and no other name. The first mismatch throws, naming the tensor, before any value is copied.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyList<SafeTensor> tensors, string file)
    {
        var expected = State(module);
        foreach (var tensor in tensors)
        {
            if (!expected.TryGetValue(tensor.Name, out var target))
                throw Mismatch(file, $"it holds the tensor '{tensor.Name}', which the network described by config.json does not have " +
                    $"(expected names: {Preview(expected.Keys)})");
            string dtype = DType(target.dtype, tensor.Name);
            if (tensor.DType != dtype)
                throw Mismatch(file, $"tensor '{tensor.Name}' is {tensor.DType}; the network expects {dtype}");
            if (!tensor.Shape.SequenceEqual(target.shape))
                throw Mismatch(file, $"tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}]; the network expects " +
                    $"[{string.Join(", ", target.shape)}]");
        }
        var present = tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        if (expected.Keys.FirstOrDefault(name => !present.Contains(name)) is { } missing)
            throw Mismatch(file, $"the tensor '{missing}' of the network described by config.json is missing");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var tensor in tensors)
        {
            var target = expected[tensor.Name];
            var staged = empty(tensor.Shape, target.dtype);
            tensor.Data.CopyTo(staged.bytes);
            target.copy_(staged);
        }
    }

    // The module's state dict without the tensors of modules that are formulas of the options.
    private static Dictionary<string, Tensor> State(nn.Module module)
    {
        var computed = module.named_modules().Where(m => m.module is SinusoidalPositions).Select(m => m.name + ".").ToList();
        return module.state_dict()
            .Where(entry => !computed.Any(prefix => entry.Key.StartsWith(prefix, StringComparison.Ordinal)))
            .ToDictionary(entry => entry.Key, entry => entry.Value);
    }

    private static string DType(ScalarType type, string name) =>
        DTypes.TryGetValue(type, out string? dtype) ? dtype
            : throw new NotSupportedException($"Tensor '{name}' has element type {type}, which safetensors export does not support.");

    private static string Preview(IEnumerable<string> names)
    {
        var list = names.ToList();
        return string.Join(", ", list.Take(6)) + (list.Count > 6 ? $", … ({list.Count} in all)" : "");
    }

    private static InvalidDataException Mismatch(string file, string why) =>
        new($"The safetensors file '{file}' does not fit the network: {why}.");
}
