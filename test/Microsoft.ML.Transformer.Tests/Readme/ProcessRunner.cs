using System.Diagnostics;

namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>Runs a program of the machine (dotnet, bash) for the README checks.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs a program to its end (at most five minutes); its exit code and its output and errors together.</summary>
    public static (int Code, string Output) Run(string folder, string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in five minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
