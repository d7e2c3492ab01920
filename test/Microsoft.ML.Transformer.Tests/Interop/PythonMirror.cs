using System.Diagnostics;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>Finds a Python interpreter with PyTorch (the python/ package's only dependency) and runs the package with it.</summary>
internal static class PythonMirror
{
    private static readonly Lazy<string?> Interpreter = new(Find);

    /// <summary>The interpreter, or null when none with torch is installed (build/setup.sh --python installs one on Debian).</summary>
    public static string? Python => Interpreter.Value;

    /// <summary>Why the Python tests are skipped here, or null when they can run.</summary>
    public static string? Missing => Python is null
        ? "No python3 with PyTorch found (tried $MLNET_TRANSFORMER_PYTHON, /usr/bin/python3, python3); run `bash build/setup.sh --python`."
        : null;

    /// <summary>Runs <c>python3 -m mlnet_transformer.{module} args…</c> with python/ on the path; throws with its output when it fails.</summary>
    public static string RunModule(string module, params string[] args) => Run(["-m", "mlnet_transformer." + module, .. args]);

    /// <summary>Runs <c>python3 args…</c> with python/ on the path; throws with its output when it fails.</summary>
    public static string Run(params string[] args)
    {
        var start = new ProcessStartInfo(Python ?? throw new InvalidOperationException(Missing))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["PYTHONPATH"] = Path.Combine(TestPaths.RepoRoot, "python");
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python {string.Join(' ', args)} failed ({process.ExitCode}):\n{output}\n{error.Result}");
        return output + error.Result;
    }

    private static string? Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("MLNET_TRANSFORMER_PYTHON"), "/usr/bin/python3", "python3" };
        foreach (string? candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            try
            {
                var start = new ProcessStartInfo(candidate, ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true };
                using var process = Process.Start(start)!;
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name: try the next.
            }
        }
        return null;
    }
}
