using System.Diagnostics;

namespace Microsoft.ML.Transformer.Tests.MLNet;

/// <summary>Runs test/ModelLoadProbe: another process that loads a zip with plain <c>Model.Load</c> and prints its scores.</summary>
internal static class ModelLoadProbeRunner
{
    /// <summary>The probe's standard output for <paramref name="zip"/> over the rows of <paramref name="tsv"/>.</summary>
    public static string Run(string zip, string tsv)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string probe = Path.Combine(TestPaths.RepoRoot, "test", "ModelLoadProbe", "bin", configuration, "net10.0", "ModelLoadProbe.dll");
        Assert.IsTrue(File.Exists(probe), $"probe not built: {probe}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(probe);
        info.ArgumentList.Add(zip);
        info.ArgumentList.Add(tsv);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.IsTrue(process.WaitForExit(120_000), "probe timed out");
        Assert.AreEqual(0, process.ExitCode, stderr.Result);
        return stdout.Result;
    }
}
