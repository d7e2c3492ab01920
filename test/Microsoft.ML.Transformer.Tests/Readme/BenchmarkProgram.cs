namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>
/// The benchmark program as built: its subcommands, read from its own <c>--help</c>. The solution build (what CI runs)
/// builds it beside the tests; when it is missing or older than its sources, it is built here.
/// </summary>
internal static class BenchmarkProgram
{
    private static readonly Lazy<IReadOnlyList<string>> Help = new(ReadSubcommands);

    /// <summary>The subcommands <c>Benchmarks --help</c> lists.</summary>
    public static IReadOnlyList<string> Subcommands => Help.Value;

    private static IReadOnlyList<string> ReadSubcommands()
    {
        var (code, output) = ProcessRunner.Run(TestPaths.RepoRoot, "dotnet", Dll(), "--help");
        Assert.AreEqual(0, code, "Benchmarks --help failed:\n" + output);
        // "usage: ...", then one "  name  description" line per subcommand.
        return output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Trim().Length > 0)
            .Select(l => l.Trim().Split(' ')[0]).ToList();
    }

    private static string Dll()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string project = Path.Combine(TestPaths.RepoRoot, "src", "Benchmarks");
        string dll = Path.Combine(project, "bin", configuration, "net10.0", "Microsoft.ML.Transformer.Benchmarks.dll");
        DateTime newestSource = Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        if (!File.Exists(dll) || File.GetLastWriteTimeUtc(dll) < newestSource)
        {
            var (code, output) = ProcessRunner.Run(TestPaths.RepoRoot, "dotnet", "build", project, "-c", configuration, "-nologo", "-v", "quiet");
            Assert.AreEqual(0, code, "building src/Benchmarks failed:\n" + output);
        }
        return dll;
    }
}
