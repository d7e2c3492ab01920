using Microsoft.ML.Transformer.Memory;

namespace Microsoft.ML.Transformer;

/// <summary>
/// What the library does so that long training and scoring runs keep a flat resident set without environment
/// variables, and the switch that turns it off. Two things, both on by default:
/// <list type="bullet">
/// <item><description>On Linux with glibc: when the first network of the process is built, <c>mallopt(M_MMAP_THRESHOLD,
/// 8 MiB)</c> (what <c>MALLOC_MMAP_THRESHOLD_=8388608</c> in the environment does), and after every
/// <see cref="TrimEverySteps"/>-th training step or scored mini-batch, <c>malloc_trim(0)</c>. Tensor buffers up to 8 MiB
/// are then reused from glibc's heap within a step, and the trim hands the heap's free pages back to the system, so the
/// resident set does not ratchet up by GBs as glibc's heap otherwise does over a long run. A lower threshold would also
/// keep memory flat, but every tensor above it then becomes a fresh mapping zeroed page by page, which made training
/// markedly slower. The threshold is skipped when <c>MALLOC_MMAP_THRESHOLD_</c> is already set; both are skipped when the C
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

    /// <summary>The glibc mmap threshold set, in bytes (8 MiB).</summary>
    public const int MmapThresholdBytes = 8 * 1024 * 1024;

    /// <summary>Every how many training steps or scored mini-batches glibc's heap is trimmed (<c>malloc_trim</c>).</summary>
    public const int TrimEverySteps = 5;

    /// <summary>The managed allocation, in bytes, after which a training step or scored batch runs a generation-0 collection (16 MB).</summary>
    public const long ManagedBudgetBytes = 16L * 1024 * 1024;

    private static readonly Lock Gate = new();
    private static bool configured;
    private static bool trims;
    private static int steps;

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
            Volatile.Write(ref trims, Enabled && GlibcAllocator.CanTrim());
            Description = !Enabled
                ? $"Memory management is off ({nameof(TransformerMemory)}.{nameof(Enabled)} or the AppContext switch {SwitchName})."
                : GlibcAllocator.FixMmapThreshold(MmapThresholdBytes)
                    + (trims
                        ? $" glibc's heap trimmed (malloc_trim) every {TrimEverySteps} training steps or scored batches."
                        : "")
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
        if (!Enabled) return;
        ManagedGarbage.CollectIfOver(ManagedBudgetBytes);
        if (Volatile.Read(ref trims) && Interlocked.Increment(ref steps) % TrimEverySteps == 0)
            GlibcAllocator.Trim();
    }
}
