using System.Diagnostics;

namespace Microsoft.ML.Transformer.Tests;

/// <summary>
/// The temporary folders the tests make: all inside one folder per test process, deleted when the run ends, so that
/// repeated runs do not fill the disk. A run that dies leaves its folder behind; a later run deletes it once its
/// process has ended and it has not changed for an hour.
/// </summary>
[TestClass]
public static class TempFolders
{
    /// <summary>Where every run's folder is made.</summary>
    public static string Parent { get; } = Path.Combine(Path.GetTempPath(), "mlnet-transformer-tests");

    private static readonly TimeSpan Abandoned = TimeSpan.FromHours(1);

    private static readonly Lazy<string> RunFolder = new(CreateRunFolder);

    /// <summary>A fresh, empty folder, deleted at the end of the run.</summary>
    public static string New()
    {
        string dir = Path.Combine(RunFolder.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Deletes this run's folders; whatever still holds a file open there keeps it until it closes it.</summary>
    [AssemblyCleanup]
    public static void DeleteRunFolder()
    {
        if (RunFolder.IsValueCreated)
            TryDelete(RunFolder.Value);
    }

    private static string CreateRunFolder()
    {
        DeleteAbandonedRunFolders();
        string dir = Path.Combine(Parent, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void DeleteAbandonedRunFolders()
    {
        if (!Directory.Exists(Parent))
            return;
        foreach (string dir in Directory.GetDirectories(Parent, "run-*"))
        {
            string[] parts = Path.GetFileName(dir).Split('-');
            if (parts.Length == 3 && int.TryParse(parts[1], out int pid) && !IsRunning(pid)
                && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) > Abandoned)
                TryDelete(dir);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // A folder that cannot be deleted (another process's file, a permission) is left: cleaning up must not fail a run.
    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Temporary folder {dir} left: {e.Message}");
        }
    }
}
