using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Memory;

/// <summary>glibc's malloc tuning, called through P/Invoke; a no-op with a reason anywhere else.</summary>
internal static partial class GlibcAllocator
{
    private const int MmapThresholdParameter = -3;   // M_MMAP_THRESHOLD in glibc's malloc.h
    private const string EnvironmentVariable = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>Fixes the mmap threshold at <paramref name="bytes"/> when that is possible and not already chosen; says what happened.</summary>
    public static string FixMmapThreshold(int bytes)
    {
        if (!OperatingSystem.IsLinux())
            return "Native memory: left alone (not Linux).";
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value)
            return $"Native memory: left alone ({EnvironmentVariable}={value} is set in the environment).";
        if (!IsGlibc())
            return "Native memory: left alone (the C library is not glibc).";
        return mallopt(MmapThresholdParameter, bytes) == 1
            ? $"Native memory: glibc mmap threshold fixed at {bytes / 1024} KiB for this process (mallopt M_MMAP_THRESHOLD), so larger tensor buffers are mapped and unmapped directly."
            : "Native memory: left alone (glibc refused mallopt M_MMAP_THRESHOLD).";
    }

    /// <summary>Whether <see cref="Trim"/> does anything here: Linux with glibc.</summary>
    public static bool CanTrim() => OperatingSystem.IsLinux() && IsGlibc();

    /// <summary>Hands the free pages of every glibc arena back to the system; the caller checked <see cref="CanTrim"/>.</summary>
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
