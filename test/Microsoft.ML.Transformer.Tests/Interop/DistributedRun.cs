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
    /// <summary>The gradient check and the trained result of one 2-process run.</summary>
    /// <param name="Difference">Largest absolute difference between the 2-process and the 1-process first-step gradients.</param>
    /// <param name="Largest">The largest first-step gradient (the comparison means something only when it is not tiny).</param>
    /// <param name="Tensors">Gradient tensors compared.</param>
    /// <param name="Folder">The folder the 2-process run wrote.</param>
    /// <param name="Scores">PyTorch's score of every row after training.</param>
    /// <param name="Ids">PyTorch's integer outputs of every row (a generator's greedy ids).</param>
    public sealed record Outcome(double Difference, double Largest, int Tensors, string Folder, Dictionary<string, float[]> Scores,
        Dictionary<string, long[]> Ids);

    /// <summary>
    /// Trains <paramref name="steps"/> steps as a 2-process job (its first step's gradients, the trained folder and its
    /// scores written) and runs one step as a single process on the same global batch (its gradients written).
    /// </summary>
    public static Outcome Run(string root, string model, string data, int steps, params string[] extra)
    {
        string two = Path.Combine(root, "two.safetensors"), one = Path.Combine(root, "one.safetensors");
        string trained = Path.Combine(root, "trained"), scores = Path.Combine(root, "scores.safetensors");
        string[] common = ["--model", model, "--data", data, .. extra];
        PythonMirror.RunModule("launch", ["--nproc", "2", "mlnet_transformer.train", .. common, "--steps", steps.ToString(),
            "--gradients", two, "--output", trained, "--scores", scores]);
        PythonMirror.RunModule("train", [.. common, "--steps", "1", "--gradients", one]);
        var (distributed, single) = (Floats(two), Floats(one));
        CollectionAssert.AreEquivalent(single.Keys.ToArray(), distributed.Keys.ToArray());
        double largest = single.Values.Max(g => g.Max(MathF.Abs));
        double difference = single.Keys.Max(k => single[k].Zip(distributed[k]).Max(p => Math.Abs(p.First - p.Second)));
        return new Outcome(difference, largest, single.Count, trained, Floats(scores), Longs(scores));
    }

    /// <summary>Prints the gradient figure and asserts the 2-process gradients equal the single process's.</summary>
    public static void AssertSameGradients(Outcome run, string objective)
    {
        Console.WriteLine($"RESULT ddp-gradients objective={objective} tensors={run.Tensors} max_abs_difference={run.Difference:E2} largest_gradient={run.Largest:E2}");
        Assert.IsGreaterThan(1e-3, run.Largest, "the gradients must be large enough for the comparison to mean something");
        Assert.IsLessThanOrEqualTo(1e-6, run.Difference);
    }

    /// <summary>The float32 tensors of a safetensors file, flattened, by name.</summary>
    public static Dictionary<string, float[]> Floats(string path) => Read(path).Where(t => t.DType == "F32")
        .ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, float>(t.Data).ToArray());

    /// <summary>The int64 tensors of a safetensors file, flattened, by name.</summary>
    public static Dictionary<string, long[]> Longs(string path) => Read(path).Where(t => t.DType == "I64")
        .ToDictionary(t => t.Name, t => MemoryMarshal.Cast<byte, long>(t.Data).ToArray());

    private static IEnumerable<SafeTensor> Read(string path) => SafeTensorsFile.Read(File.ReadAllBytes(path), Path.GetFileName(path)).Tensors;

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
