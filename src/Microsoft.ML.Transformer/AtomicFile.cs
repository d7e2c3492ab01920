namespace Microsoft.ML.Transformer;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content, never a part: the bytes go to
/// a temporary file in the same folder (a move is atomic only within one file system), are flushed to disk, and the
/// temporary file then replaces the target in one rename.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Marks temporary files, so that ones left by a killed process can be recognised and removed.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = full + TempMarker + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            // Only reached with the file still there when writing or moving failed.
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Removes temporary files of <paramref name="path"/> that a killed process left behind.</summary>
    public static void RemoveStaleTemporaries(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            return;
        foreach (string stale in Directory.EnumerateFiles(dir, Path.GetFileName(full) + TempMarker + "*"))
            File.Delete(stale);
    }
}
