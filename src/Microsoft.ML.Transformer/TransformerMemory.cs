using Microsoft.ML.Transformer.Memory;

namespace Microsoft.ML.Transformer;

/// <summary>
/// What the library does so that long training and scoring runs keep a flat resident set without environment
/// variables, and the switch that turns it off. Two things, both on by default:
/// <list type="bullet">
/// <item><description>On Linux with glibc, when the first network of the process is built: <c>mallopt(M_MMAP_THRESHOLD,
/// 65536)</c>, what <c>MALLOC_MMAP_THRESHOLD_=65536</c> in the environment does. Tensor buffers over 64 KiB then come
/// from <c>mmap</c> and go back to the system when freed; by default glibc raises that threshold each time a large
/// block is freed and then keeps freed activation buffers in its heap, so a long run's resident set grows by GBs. It
/// is process-wide, changes nothing else, and is skipped when <c>MALLOC_MMAP_THRESHOLD_</c> is already set or the C
/// library is not glibc.</description></item>
/// <item><description>After each training step and each scored mini-batch: a generation-0 garbage collection when more than
/// <see cref="ManagedBudgetBytes"/> of managed memory was allocated since the last one. Every step leaves small
/// managed objects behind (tensor handles, dispose scopes); the runtime sizes its first generation from the CPU's
/// cache, tens to hundreds of MB on server CPUs, and holds that garbage, resident, until it is full.</description></item>
/// </list>
/// Each estimator's <c>Fit</c> says in the <c>MLContext</c> log what was done (<see cref="Description"/>).
/// </summary>
public static class TransformerMemory
{
    /// <summary>
    /// The AppContext switch read once, at first use: <c>false</c> turns both measures off (in the application's
    /// project: <c>&lt;RuntimeHostConfigurationOption Include="Microsoft.ML.Transformer.ManageMemory" Value="false" /&gt;</c>).
    /// </summary>
    public const string SwitchName = "Microsoft.ML.Transformer.ManageMemory";

    /// <summary>The glibc mmap threshold set, in bytes (64 KiB).</summary>
    public const int MmapThresholdBytes = 64 * 1024;

    /// <summary>The managed allocation, in bytes, after which a training step or scored batch runs a generation-0 collection (16 MB).</summary>
    public const long ManagedBudgetBytes = 16L * 1024 * 1024;

    private static readonly Lock Gate = new();
    private static bool configured;

    /// <summary>
    /// Whether the library manages memory as described above. Defaults to the <see cref="SwitchName"/> AppContext switch
    /// (true when it is not set). Set it to false before the first network is built; the glibc setting, once made,
    /// stays for the process, and setting this to false afterwards only stops the collections.
    /// </summary>
    public static bool Enabled { get; set; } = !AppContext.TryGetSwitch(SwitchName, out bool on) || on;

    /// <summary>What was done in this process, in words (for logs); null before the first network is built.</summary>
    public static string? Description { get; private set; }

    /// <summary>Applies the process-wide setting once; called when a network is built.</summary>
    internal static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (configured) return;
            configured = true;
            Description = !Enabled
                ? $"Memory management is off ({nameof(TransformerMemory)}.{nameof(Enabled)} or the AppContext switch {SwitchName})."
                : GlibcAllocator.FixMmapThreshold(MmapThresholdBytes)
                    + $" Generation-0 collections after a training step or scored batch that allocated over {ManagedBudgetBytes / (1024 * 1024)} MB "
                    + $"(opt out: AppContext switch {SwitchName}=false).";
        }
    }

    /// <summary>Writes <see cref="Description"/> to <paramref name="log"/> once the process-wide setting is made.</summary>
    internal static void Report(Action<string>? log)
    {
        EnsureConfigured();
        log?.Invoke(Description!);
    }

    /// <summary>The point after a training step or a scored batch where short-lived managed garbage is collected.</summary>
    internal static void AfterStep()
    {
        if (Enabled) ManagedGarbage.CollectIfOver(ManagedBudgetBytes);
    }
}
