namespace Microsoft.ML.Transformer;

/// <summary>
/// What the library does so that float32 products run at the CPU's full width on AMD processors, and the switch that
/// turns it off. The Intel oneMKL inside libtorch asks once whether the CPU is an Intel one, and on any other vendor
/// takes generic kernels that ignore AVX-512 and leave much of the CPU's float32 speed unused (docs/RESULTS.md
/// measures it). When the first network of the process is built on an x64 CPU whose vendor is AMD, the library answers
/// that question in MKL's favour before MKL asks it: MKL then chooses its kernels by the instruction sets the CPU
/// reports, as it does on Intel CPUs (AVX-512 where present, AVX2 otherwise). Nothing else changes: the products
/// are the same operations, computed by MKL's kernels for those instructions. The library does this only when the
/// loaded libtorch's MKL has the vendor check it knows, and only before MKL has computed anything; otherwise it leaves
/// MKL alone and says why. bfloat16 products do not go through this check. Each estimator's <c>Fit</c> says in the
/// <c>MLContext</c> log what was done (<see cref="Description"/>).
/// </summary>
public static class MklDispatch
{
    /// <summary>
    /// The AppContext switch read once, at first use: <c>false</c> leaves MKL's vendor check alone (in the
    /// application's project: <c>&lt;RuntimeHostConfigurationOption Include="Microsoft.ML.Transformer.MklDispatch" Value="false" /&gt;</c>).
    /// </summary>
    public const string SwitchName = "Microsoft.ML.Transformer.MklDispatch";

    private static readonly ProcessSetting Setting = new(SwitchName, Apply,
        $"MKL's kernels: left alone ({nameof(MklDispatch)}.{nameof(Enabled)} or the AppContext switch {SwitchName} is false).");

    /// <summary>
    /// Whether the library lets MKL choose its kernels by instruction set on AMD CPUs, as described above. Defaults to
    /// the <see cref="SwitchName"/> AppContext switch (true when it is not set). Only a value set before the first
    /// network is built counts: MKL keeps its choice for the life of the process.
    /// </summary>
    public static bool Enabled { get => Setting.Enabled; set => Setting.Enabled = value; }

    /// <summary>What was done in this process, in words (for logs); null before the first network is built.</summary>
    public static string? Description => Setting.Description;

    /// <summary>Whether this process answered MKL's vendor check (so MKL's kernels differ from those it would pick alone).</summary>
    internal static bool Changed { get; private set; }

    /// <summary>Makes the process-wide choice once; called when libtorch is loaded, before the first product.</summary>
    internal static void EnsureConfigured() => Setting.EnsureConfigured();

    /// <summary>Writes <see cref="Description"/> to <paramref name="log"/> once the process-wide choice is made.</summary>
    internal static void Report(Action<string>? log) => Setting.Report(log);

    private static string Apply()
    {
        string done = MklVendorCheck.ChooseByInstructionSet(out bool changed);
        Changed = changed;
        return done + (changed ? $" (opt out: AppContext switch {SwitchName}=false)." : ".");
    }
}
