namespace Microsoft.ML.Transformer.Tests;

/// <summary>Where the repository and the shared data sets are, wherever the tests run from.</summary>
internal static class TestPaths
{
    /// <summary>The folder holding Transformer.MLNet.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The public data sets, kept beside the repository in ../shared/data (never copied into it).</summary>
    public static string SharedData { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>
    /// The test category of checks that need the real data sets of ../shared/data. A clone without them reports those
    /// checks as skipped (inconclusive, with the reason); CI, which has the data, runs them.
    /// </summary>
    public const string SharedDataCategory = "SharedData";

    /// <summary>
    /// A data file of ../shared/data, e.g. <c>SharedFile("banking77", "train.csv")</c>, for tests of
    /// <see cref="SharedDataCategory"/>. Without ../shared/data the calling test ends as skipped; with it, a missing
    /// file is an error.
    /// </summary>
    public static string SharedFile(params string[] parts)
    {
        string path = Path.Combine([SharedData, .. parts]);
        if (!Directory.Exists(SharedData))
            Assert.Inconclusive($"Skipped: this check needs the real data sets, and {SharedData} (../shared/data beside the repository) was not found.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"Shared data file not found (expected ../shared/data beside the repository): {path}");
        return path;
    }

    /// <summary>A fresh, empty temporary folder, deleted when the test run ends (<see cref="TempFolders"/>).</summary>
    public static string NewTempDir() => TempFolders.New();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Transformer.MLNet.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Transformer.MLNet.sln not found above " + AppContext.BaseDirectory);
    }
}
