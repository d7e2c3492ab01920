using System.Globalization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>Arguments after the subcommand: "--name value" pairs and bare flags.</summary>
internal sealed class BenchmarkArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    public BenchmarkArgs(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (string a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending != null) _values[pending] = null;
                pending = a[2..];
            }
            else if (pending != null)
            {
                _values[pending] = a;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{a}': expected --name value.");
            }
        }
        if (pending != null) _values[pending] = null;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) && v != null ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        _values.TryGetValue(name, out var v) && v != null ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) =>
        _values.TryGetValue(name, out var v) && v != null ? v : fallback;

    /// <summary>The shared data folder (../shared/data from the repository root unless --data-dir says otherwise).</summary>
    public string DataDir => String("data-dir", Path.GetFullPath(Path.Combine(RepoRoot.Find(), "..", "shared", "data")));
}

internal static class RepoRoot
{
    /// <summary>The folder holding Transformer.MLNet.sln, searched upwards from the working directory and the binary.</summary>
    public static string Find()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Transformer.MLNet.sln")))
                    return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
