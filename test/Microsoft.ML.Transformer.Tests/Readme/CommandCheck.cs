using System.Text.RegularExpressions;
using Microsoft.ML.Transformer.Samples;

namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>
/// Decides whether a shell command of the documentation is covered by the tests or by CI. It knows these forms:
/// <c>dotnet test Transformer.MLNet.sln</c> (what .ci/run runs), <c>bash build/setup.sh</c> (what .ci/run runs
/// first; it must parse), <c>dotnet run [-c C] --project src/Samples [-- scenario --name value ...]</c> (a scenario of
/// src/Samples/Program.cs, options its settings parser accepts), <c>dotnet run [-c C] --project src/Benchmarks --
/// subcommand ...</c> (one the benchmark program lists), <c>dotnet add package Name</c> (what build/package-check.sh does
/// in a new application, run by .ci/run), <c>bench/*.sh</c> (an existing script that parses) and the Python package's
/// commands (see CommandCheck.Python.cs);
/// commands joined by <c>&amp;&amp;</c> are checked one by one. Anything else is an unknown form.
/// </summary>
internal sealed partial class CommandCheck(IReadOnlyCollection<string> scenarios, Func<IReadOnlyCollection<string>> benchmarkSubcommands)
{
    /// <summary>A check against the repository: the samples' own scenarios and the built benchmark program's subcommands.</summary>
    public static CommandCheck ForRepository() => new(SampleScenarios(), () => BenchmarkProgram.Subcommands);

    /// <summary>The scenarios src/Samples/Program.cs dispatches on (its <c>case "name":</c> labels).</summary>
    public static IReadOnlyList<string> SampleScenarios() =>
        ScenarioCase().Matches(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src", "Samples", "Program.cs"))).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Null when <paramref name="command"/> is covered; otherwise why not.</summary>
    public string? Problem(string command)
    {
        foreach (string part in WithoutComment(command).Split("&&"))
        {
            string[] words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string? problem = words switch
            {
                [] => "an empty command",
                ["bash", "build/setup.sh"] => SetupScript(),
                ["bash", "build/setup.sh", "--python"] => Script("build/setup.sh") ?? RunByCi("bash build/setup.sh --python"),
                ["PYTHONPATH=python", "python3", "-m", var module, .. var rest] => PythonModule(module, rest),
                ["PYTHONPATH=python", "torchrun", .. var rest] => Torchrun(rest),
                ["dotnet", "test", "Transformer.MLNet.sln"] => RunByCi("dotnet test Transformer.MLNet.sln"),
                ["dotnet", "run", .. var rest] => DotnetRun(rest),
                ["dotnet", "add", "package", var package, ..] => PackageCheck($"dotnet add package {package}"),
                [var script, ..] when script.StartsWith("bench/", StringComparison.Ordinal) && script.EndsWith(".sh", StringComparison.Ordinal) => Script(script),
                _ => $"'{part.Trim()}' is not a command form these tests know; cover it and teach {nameof(CommandCheck)} the form",
            };
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>Null when <paramref name="name"/> is a scenario the samples run.</summary>
    public string? Scenario(string name) =>
        scenarios.Contains(name) ? null : $"'{name}' is not a scenario of src/Samples/Program.cs (known: {string.Join(", ", scenarios)})";

    // An application's commands are covered when build/package-check.sh, which .ci/run runs, runs them in a new app.
    private static string? PackageCheck(string command) =>
        File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "build", "package-check.sh")).Contains(command, StringComparison.Ordinal)
            ? RunByCi("bash build/package-check.sh") : $"build/package-check.sh does not run '{command}'";

    private static string? SetupScript() => Script("build/setup.sh") ?? RunByCi("bash build/setup.sh");

    private static string? RunByCi(string command) =>
        File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, ".ci", "run")).Any(l => l.Contains(command, StringComparison.Ordinal))
            ? null : $".ci/run does not run '{command}'";

    private static string? Script(string path)
    {
        if (!File.Exists(Path.Combine(TestPaths.RepoRoot, path))) return $"{path} does not exist";
        var (code, output) = ProcessRunner.Run(TestPaths.RepoRoot, "bash", "-n", path);
        return code == 0 ? null : $"bash -n {path} fails: {output}";
    }

    private string? DotnetRun(string[] words)
    {
        string? project = null;
        int i = 0;
        for (; i < words.Length && words[i] != "--"; i += 2)
        {
            if (i + 1 >= words.Length) return $"dotnet run option {words[i]} has no value";
            if (words[i] == "--project") project = words[i + 1];
            else if (words[i] is not ("-c" or "--configuration")) return $"dotnet run option {words[i]} is not one these tests know";
        }
        string[] args = words.Length > i ? words[(i + 1)..] : [];
        return project switch
        {
            "src/Samples" => Samples(args),
            "src/Benchmarks" => Benchmarks(args),
            _ => $"dotnet run --project {project ?? "(none)"} is not a project these tests know",
        };
    }

    private string? Samples(string[] args)
    {
        try
        {
            return Scenario(SampleSettings.Parse(args).Scenario);
        }
        catch (ArgumentException e)
        {
            return "the samples refuse these arguments: " + e.Message;
        }
    }

    private string? Benchmarks(string[] args)
    {
        string rest = string.Join(' ', args.Skip(1)).Replace("[--name value ...]", "", StringComparison.Ordinal).Trim();
        if (rest.Length > 0 && !rest.StartsWith("--", StringComparison.Ordinal))
            return $"the benchmarks take --name value options after the subcommand, not '{rest}'";
        return args.FirstOrDefault() switch
        {
            null => "the benchmark program needs a subcommand",
            "<subcommand>" or "all" => null,   // the subcommands the documentation names are checked on their own
            var name when benchmarkSubcommands().Contains(name) => null,
            var name => $"'{name}' is not a subcommand of the benchmark program (known: {string.Join(", ", benchmarkSubcommands())})",
        };
    }

    private static string WithoutComment(string line) => CommentInShell().Replace(line, "");

    [GeneratedRegex(@"case\s+""([^""]+)""\s*:")]
    private static partial Regex ScenarioCase();

    [GeneratedRegex(@"(^|\s)#.*$")]
    private static partial Regex CommentInShell();
}
