using System.Diagnostics;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// What an application must ship of a native runtime: the library it loads and every library that one needs (its
/// dynamic-linker closure, as <c>ldd</c> resolves it) from the application's own native folder, in exact bytes.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>The native folder of this program (runtimes/linux-x64/native beside the assemblies).</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    /// <summary>The files of <see cref="Folder"/> that loading <paramref name="library"/> maps, itself included.</summary>
    public static IReadOnlyList<FileInfo> Closure(string library)
    {
        string path = Path.Combine(Folder, library);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The native library '{library}' is not in {Folder}.", path);
        var start = new ProcessStartInfo("ldd", [path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // The folder is where the .NET host looks first; ldd must resolve from it too.
        start.Environment["LD_LIBRARY_PATH"] = Folder;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        var files = new List<FileInfo> { new(path) };
        foreach (string line in output.Split('\n'))
        {
            int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            if (arrow < 0) continue;
            string resolved = line[(arrow + 3)..].Split(' ')[0];
            if (resolved.StartsWith(Folder + "/", StringComparison.Ordinal))
                files.Add(new FileInfo(resolved));
        }
        return files;
    }

    /// <summary>"name:bytes,..." for a RESULT line.</summary>
    public static string Describe(IReadOnlyList<FileInfo> files) => string.Join(",", files.Select(f => $"{f.Name}:{f.Length}"));
}
