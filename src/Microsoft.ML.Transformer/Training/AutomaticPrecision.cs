using System.Runtime.Intrinsics.X86;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// The training precision used when <see cref="TrainingOptions.Precision"/> is null, and why, in words for the log:
/// bf16 mixed precision where the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX-BF16), float32 elsewhere.
/// </summary>
internal static class AutomaticPrecision
{
    /// <summary>What this CPU offers for bfloat16 products, read once from CPUID.</summary>
    public static CpuBFloat16 Cpu { get; } = CpuBFloat16.Detect();

    /// <summary>The choice for a model on <paramref name="device"/>, with this CPU and the AppContext switch; logs why.</summary>
    public static Precision For(DeviceType device, Action<string> log)
    {
        var (precision, why) = Choose(device, Cpu, SwitchAllows);
        log(why);
        return precision;
    }

    /// <summary>Whether the AppContext switch lets the choice be bf16: unset or true.</summary>
    public static bool SwitchAllows => ProcessSetting.SwitchOn(TrainingOptions.AutomaticBFloat16Switch);

    /// <summary>The rule itself, defined here only; <paramref name="allowed"/> is the AppContext switch's answer.</summary>
    public static (Precision Precision, string Log) Choose(DeviceType device, CpuBFloat16 cpu, bool allowed)
    {
        var (precision, why) = device != DeviceType.CPU
            ? (Precision.Float32, $"the model is on {device} (bf16 is chosen automatically only on CPUs)")
            : !allowed ? (Precision.Float32, $"the AppContext switch {TrainingOptions.AutomaticBFloat16Switch} is false")
            : cpu.Instructions is string instructions ? (Precision.BFloat16, $"the CPU reports {instructions}")
            : (Precision.Float32, cpu.Missing);
        string what = precision == Precision.BFloat16 ? "bf16 mixed precision (bfloat16 products, float32 weights)" : "fp32";
        return (precision, $"Precision: {what} because {why}; set Precision to pin it.");
    }
}

/// <summary>
/// The bfloat16 instructions a CPU reports through CPUID: AVX512-BF16 (leaf 7, sub-leaf 1, EAX bit 5) and AMX-BF16
/// (leaf 7, sub-leaf 0, EDX bit 22), counted only when the operating system lets programs use AVX-512.
/// </summary>
/// <param name="Instructions">"AVX512-BF16", "AMX-BF16" or both joined by "and"; null when there are none.</param>
/// <param name="Missing">Why there are none, in words (when <paramref name="Instructions"/> is null).</param>
internal sealed record CpuBFloat16(string? Instructions, string Missing)
{
    /// <summary>Reads this CPU.</summary>
    public static CpuBFloat16 Detect()
    {
        if (!X86Base.IsSupported)
            return new(null, "this is not an x64 CPU");
        if (!Avx512F.IsSupported)
            return new(null, "AVX-512 is not available (the CPU lacks it, or the operating system or runtime turned it off)");
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7)
            return new(null, "the CPU reports neither AVX512-BF16 nor AMX-BF16");
        var (maxSubLeaf, _, _, features0) = X86Base.CpuId(7, 0);
        bool avx512 = maxSubLeaf >= 1 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
        bool amx = (features0 & (1 << 22)) != 0;
        string? instructions = (avx512, amx) switch
        {
            (true, true) => "AVX512-BF16 and AMX-BF16",
            (true, false) => "AVX512-BF16",
            (false, true) => "AMX-BF16",
            _ => null,
        };
        return new(instructions, "the CPU reports neither AVX512-BF16 nor AMX-BF16");
    }
}
