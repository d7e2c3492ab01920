using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Memory;

/// <summary>glibc's malloc tuning, called through P/Invoke; a no-op with a reason anywhere else.</summary>
internal static partial class GlibcAllocator
{
    private const int TrimThresholdParameter = -1;   // M_TRIM_THRESHOLD in glibc's malloc.h
    private const int MmapThresholdParameter = -3;   // M_MMAP_THRESHOLD

    // Any of these in the environment means the user tuned malloc themselves.
    private static readonly string[] UserSettings = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"];

    /// <summary>
    /// Makes glibc keep freed memory for the next allocation: buffers up to <paramref name="mmapThreshold"/> bytes (or
    /// <paramref name="fallbackMmapThreshold"/> where this glibc refuses that much) come from its heap instead of fresh
    /// mappings, and freeing never shrinks the heap by itself. Says what happened.
    /// </summary>
    public static string KeepFreedMemory(int mmapThreshold, int fallbackMmapThreshold, out bool applied)
    {
        applied = false;
        if (!OperatingSystem.IsLinux())
            return "Native memory: left alone (not Linux).";
        if (UserSettings.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is { Length: > 0 }) is string chosen)
            return $"Native memory: left alone ({chosen}={Environment.GetEnvironmentVariable(chosen)} is set in the environment).";
        if (!IsGlibc())
            return "Native memory: left alone (the C library is not glibc).";
        int threshold = mallopt(MmapThresholdParameter, mmapThreshold) == 1 ? mmapThreshold
            : mallopt(MmapThresholdParameter, fallbackMmapThreshold) == 1 ? fallbackMmapThreshold
            : 0;
        if (threshold == 0 || mallopt(TrimThresholdParameter, int.MaxValue) != 1)
            return "Native memory: left alone (glibc refused mallopt M_MMAP_THRESHOLD or M_TRIM_THRESHOLD).";
        applied = true;
        return $"Native memory: glibc keeps freed tensor memory for reuse (mallopt M_MMAP_THRESHOLD {threshold / (1024 * 1024)} MiB, "
            + "M_TRIM_THRESHOLD off), so a step does not pay for fresh pages again.";
    }

    /// <summary>Hands the free pages of every glibc arena back to the system; call only after <see cref="KeepFreedMemory"/> applied.</summary>
    public static void Trim() => malloc_trim(0);

    // musl and other C libraries have no gnu_get_libc_version; their mallopt, if any, means something else or nothing.
    private static bool IsGlibc() =>
        NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int malloc_trim(nuint pad);

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int mallopt(int parameter, int value);
}
