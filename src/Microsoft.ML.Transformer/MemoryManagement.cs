using Microsoft.ML.Transformer.Memory;

namespace Microsoft.ML.Transformer;

/// <summary>
/// What the library does so that training and scoring neither pay for fresh memory pages at every step nor let the
/// resident set creep up over a long run, without environment variables, and the switch that turns it off. Two things,
/// both on by default:
/// <list type="bullet">
/// <item><description>On Linux with glibc: when the first network of the process is built, <c>mallopt</c> sets the mmap
/// threshold to <see cref="MmapThresholdBytes"/> (<see cref="FallbackMmapThresholdBytes"/> where glibc refuses that) and
/// turns off the automatic trim threshold, so freed tensor buffers stay in glibc's heap and the next step reuses them.
/// Fresh pages are zeroed by the kernel one fault at a time, and a step that maps and unmaps its large buffers spends
/// most of its time there. Instead, <c>malloc_trim(0)</c> hands free pages back when a training run ends, and after a
/// step or scored batch whose resident set is more than <see cref="ResidentGrowthBeforeTrim"/> above the level of the
/// first <see cref="StepsToLearnResidentLevel"/> steps since the start or the last trim. Skipped when
/// <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> or <c>GLIBC_TUNABLES</c> is set, and when the C library
/// is not glibc.</description></item>
/// <item><description>After each training step and each scored mini-batch: a generation-0 garbage collection when more than
/// <see cref="ManagedBudgetBytes"/> of managed memory was allocated since the last one. Every step leaves small
/// managed objects behind (tensor handles, dispose scopes); the runtime sizes its first generation from the CPU's
/// cache, tens to hundreds of MB on server CPUs, and holds that garbage, resident, until it is full.</description></item>
/// </list>
/// Each estimator's <c>Fit</c> says in the <c>MLContext</c> log what was done (<see cref="Description"/>).
/// </summary>
public static class MemoryManagement
{
    /// <summary>
    /// The AppContext switch read once, at first use: <c>false</c> turns both measures off (in the application's
    /// project: <c>&lt;RuntimeHostConfigurationOption Include="Microsoft.ML.Transformer.ManageMemory" Value="false" /&gt;</c>).
    /// </summary>
    public const string SwitchName = "Microsoft.ML.Transformer.ManageMemory";

    /// <summary>The glibc mmap threshold set, in bytes (1 GiB): buffers up to this size are reused from glibc's heap.</summary>
    public const int MmapThresholdBytes = 1024 * 1024 * 1024;

    /// <summary>The mmap threshold set where glibc refuses <see cref="MmapThresholdBytes"/> (older versions cap it at 32 MiB).</summary>
    public const int FallbackMmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>How far, as a fraction, the resident set may rise above its learnt level before glibc's heap is trimmed (0.1 = 10%).</summary>
    public const double ResidentGrowthBeforeTrim = 0.1;

    /// <summary>The training steps or scored mini-batches, after the start or a trim, whose highest resident set is the level compared with.</summary>
    public const int StepsToLearnResidentLevel = 10;

    /// <summary>The managed allocation, in bytes, after which a training step or scored batch runs a generation-0 collection (16 MB).</summary>
    public const long ManagedBudgetBytes = 16L * 1024 * 1024;

    private static readonly ProcessSetting Setting = new(SwitchName, Apply,
        $"Memory management is off ({nameof(MemoryManagement)}.{nameof(Enabled)} or the AppContext switch {SwitchName}).");
    private static readonly Lock Gate = new();   // the guard's state, between threads that step at once
    private static bool trims;
    private static readonly ResidentGuard Guard = new(StepsToLearnResidentLevel, ResidentGrowthBeforeTrim);

    /// <summary>
    /// Whether the library manages memory as described above. Defaults to the <see cref="SwitchName"/> AppContext switch
    /// (true when it is not set). Set it to false before the first network is built; the glibc setting, once made,
    /// stays for the process, and setting this to false afterwards only stops the collections.
    /// </summary>
    public static bool Enabled { get => Setting.Enabled; set => Setting.Enabled = value; }

    /// <summary>What was done in this process, in words (for logs); null before the first network is built.</summary>
    public static string? Description => Setting.Description;

    /// <summary>Applies the process-wide setting once; called when a network is built.</summary>
    internal static void EnsureConfigured() => Setting.EnsureConfigured();

    /// <summary>Writes <see cref="Description"/> to <paramref name="log"/> once the process-wide setting is made.</summary>
    internal static void Report(Action<string>? log) => Setting.Report(log);

    private static string Apply()
    {
        string native = GlibcAllocator.KeepFreedMemory(MmapThresholdBytes, FallbackMmapThresholdBytes, out bool applied);
        Volatile.Write(ref trims, applied);
        return native
            + (applied
                ? $" glibc's heap trimmed (malloc_trim) when a training run ends and when the resident set rises over {ResidentGrowthBeforeTrim * 100:0}% "
                    + $"above its level over {StepsToLearnResidentLevel} steps or scored batches."
                : "")
            + $" Generation-0 collections after a training step or scored batch that allocated over {ManagedBudgetBytes / (1024 * 1024)} MB "
            + $"(opt out: AppContext switch {SwitchName}=false).";
    }

    /// <summary>The point after a training step or a scored batch: short-lived managed garbage is collected, and glibc's heap trimmed if the resident set crept up.</summary>
    internal static void AfterStep()
    {
        if (!Enabled) return;
        ManagedGarbage.CollectIfOver(ManagedBudgetBytes);
        if (!Volatile.Read(ref trims)) return;
        long resident = Environment.WorkingSet;
        lock (Gate)
            if (Guard.TrimAfter(resident))
                GlibcAllocator.Trim();
    }

    /// <summary>The end of a training run: what it freed goes back to the system.</summary>
    internal static void AfterTraining()
    {
        if (!Enabled || !Volatile.Read(ref trims)) return;
        lock (Gate)
        {
            GlibcAllocator.Trim();
            Guard.Restart();
        }
    }
}
