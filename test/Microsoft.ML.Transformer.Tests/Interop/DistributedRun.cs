using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Interop;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// Runs the Python trainer (python/mlnet_transformer/train.py) on an exported folder: the first step's gradients as a
/// 2-process gloo job and as one process on the same global batch, and a short 2-process training that writes the
/// trained folder and PyTorch's score of every row.
/// </summary>
internal static class DistributedRun
{
    /// <summary>Largest absolute difference between the 2-process and 1-process gradients, and the largest gradient.</summary>
    public static (double Difference, double Largest, int Tensors) Gradients(string root, string model, string data, params string[] extra)
    {
        string two = Path.Combine(root, "two.safetensors"), one = Path.Combine(root, "one.safetensors");
        string[] common = ["--model", model, "--data", data, .. extra];
        PythonMirror.RunModule("launch", ["--nproc", "2", "mlnet_transformer.train", .. common, "--gradients", two]);
        PythonMirror.RunModule("train", [.. common, "--gradients", one]);
        var (distributed, single) = (Floats(two), Floats(one));
        CollectionAssert.AreEquivalent(single.Keys.ToArray(), distributed.Keys.ToArray());
        double largest = single.Values.Max(g => g.Max(MathF.Abs));
        double difference = single.Keys.Max(k => single[k].Zip(distributed[k]).Max(p => Math.Abs(p.First - p.Second)));
        return (difference, largest, single.Count);
    }

    /// <summary>Trains as a 2-process job; returns the trained folder and the scores PyTorch wrote for every row.</summary>
    public static (string Folder, Dictionary<string, float[]> Scores) Train(string root, string model, string data, params string[] extra)
    {
        string trained = Path.Combine(root, "trained"), scores = Path.Combine(root, "scores.safetensors");
        PythonMirror.RunModule("launch", ["--nproc", "2", "mlnet_transformer.train", "--model", model, "--data", data, .. extra,
            "--output", trained, "--scores", scores]);
        return (trained, Floats(scores));
    }

    /// <summary>The float32 tensors of a safetensors file, flattened, by name.</summary>
    public static Dictionary<string, float[]> Floats(string path)
    {
        var (tensors, _) = SafeTensorsFile.Read(File.ReadAllBytes(path), Path.GetFileName(path));
        return tensors.ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data).ToArray());
    }

    /// <summary>
    /// Every parameter drawn from N(0, std²) (norm gains around 1): a network whose predictions depend strongly on its
    /// input, so that a loss computed on other tokens than the library's would differ visibly.
    /// </summary>
    public static void Randomize(torch.nn.Module module, int seed, double std)
    {
        torch.manual_seed(seed);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            parameter.normal_(0, std);
            if (name.Contains("Norm", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal)) parameter.add_(1);
        }
    }

    /// <summary>Generated texts of a few words from several scripts, astral characters included.</summary>
    public static string[] Texts(int count, int seed)
    {
        string[] words = ["apple", "pear", "dog", "cat", "red", "blue", "café", "naïve", "Straße", "Москва", "дом", "日本", "語",
            "🙂", "𝐀𝐁", "don't", "we'll", "42", "3.5", "!", "«x»"];
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => words[random.Next(words.Length)])))];
    }
}
