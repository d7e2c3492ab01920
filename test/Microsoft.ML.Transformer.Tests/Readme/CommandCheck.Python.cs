using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>
/// The Python package's commands: <c>PYTHONPATH=python python3 -m mlnet_transformer.M ...</c> is covered when a test of
/// test/…/Interop runs module M and every option given is one M's argument parser defines (<c>launch</c> then names the
/// module it starts, checked the same way); <c>PYTHONPATH=python torchrun ... -m mlnet_transformer.M ...</c>, the GPU
/// cluster form that cannot run here, is checked statically: only the launcher options PyTorch documents for a
/// multi-node job, and M's own options.
/// </summary>
internal sealed partial class CommandCheck
{
    private static readonly string[] TorchrunOptions = ["--nnodes", "--nproc_per_node", "--rdzv_id", "--rdzv_backend", "--rdzv_endpoint"];

    private static string? PythonModule(string module, string[] args)
    {
        if (ModuleProblem(module, args) is { } problem) return problem;
        string name = module["mlnet_transformer.".Length..];
        string tests = string.Concat(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "test", "Microsoft.ML.Transformer.Tests", "Interop"), "*.cs")
            .Select(File.ReadAllText));
        if (!tests.Contains($"RunModule(\"{name}\"", StringComparison.Ordinal))
            return $"no test of test/Microsoft.ML.Transformer.Tests/Interop runs {module}";
        if (name != "launch") return null;
        // launch --nproc N <module> <its arguments>: the started module is checked, and must be run by a test too.
        int at = Array.FindIndex(args, a => a.StartsWith("mlnet_transformer.", StringComparison.Ordinal));
        if (at < 0) return "mlnet_transformer.launch names no mlnet_transformer module to start";
        return tests.Contains($"\"{args[at]}\"", StringComparison.Ordinal) ? ModuleProblem(args[at], args[(at + 1)..])
            : $"no test of test/Microsoft.ML.Transformer.Tests/Interop starts {args[at]} through the launcher";
    }

    private static string? Torchrun(string[] args)
    {
        int at = Array.IndexOf(args, "-m");
        if (at < 0 || at + 1 >= args.Length) return "torchrun is documented here with -m mlnet_transformer.<module> only";
        foreach (string option in args[..at])
            if (!TorchrunOptions.Contains(option.Split('=')[0]))
                return $"torchrun option {option} is not one of the multi-node options PyTorch documents ({string.Join(", ", TorchrunOptions)})";
        return ModuleProblem(args[at + 1], args[(at + 2)..]);
    }

    /// <summary>Null when <paramref name="module"/> is a module of python/mlnet_transformer whose parser defines every option given.</summary>
    private static string? ModuleProblem(string module, string[] args)
    {
        if (!module.StartsWith("mlnet_transformer.", StringComparison.Ordinal))
            return $"'{module}' is not a module of python/mlnet_transformer";
        string file = Path.Combine(TestPaths.RepoRoot, "python", "mlnet_transformer", module["mlnet_transformer.".Length..] + ".py");
        if (!File.Exists(file)) return $"{module} does not exist (no {Path.GetRelativePath(TestPaths.RepoRoot, file)})";
        var defined = ArgumentOption().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (string arg in args.TakeWhile(a => !a.StartsWith("mlnet_transformer.", StringComparison.Ordinal)))
            if (arg.StartsWith("--", StringComparison.Ordinal) && !defined.Contains(arg))
                return $"{module} has no option {arg} (its options: {string.Join(", ", defined.Order())})";
        return null;
    }

    [GeneratedRegex(@"add_argument\(""(--[a-z0-9-]+)""")]
    private static partial Regex ArgumentOption();
}
