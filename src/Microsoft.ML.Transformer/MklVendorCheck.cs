using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.Transformer;

/// <summary>
/// oneMKL's answer to "is this an Intel CPU?", which libtorch's MKL caches in a word of its data on first use and
/// which decides whether its kernels follow the CPU's instruction sets. See <see cref="MklDispatch"/>.
/// </summary>
internal static class MklVendorCheck
{
    private const string Function = "mkl_serv_intel_cpu_true";

    // The function's first instructions in the oneMKL that libtorch links: mov eax, [rip + cached]; test eax, eax;
    // js <detect>; ret. The cached word is -1 until MKL first asks, then 1 (Intel) or 0. Null marks the 32-bit offset.
    private static readonly byte?[] Prologue = [0x8B, 0x05, null, null, null, null, 0x85, 0xC0, 0x78, 0x01, 0xC3];

    // libtorch_cpu is already loaded by TorchSharp when this runs; loading it by name returns that copy.
    private static readonly string[] Libraries = ["libtorch_cpu.so", "torch_cpu.dll"];

    /// <summary>Answers MKL's vendor check with "Intel" on an AMD CPU before MKL asks it; says what it did.</summary>
    public static string ChooseByInstructionSet(out bool changed)
    {
        changed = false;
        const string left = "MKL's kernels: left alone";
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !X86Base.IsSupported)
            return $"{left} (not an x64 process)";
        string vendor = Vendor();
        if (vendor != "AuthenticAMD")
            return $"{left} ({vendor} CPU: MKL already chooses its kernels by instruction set there)";
        if (!TryFindCachedAnswer(out nint cached, out string why))
            return $"{left} ({why})";
        switch (Marshal.ReadInt32(cached))
        {
            case -1:
                Marshal.WriteInt32(cached, 1);
                changed = true;
                return "MKL's kernels: chosen by the CPU's instruction sets on this AMD CPU, as on Intel CPUs, instead of MKL's generic fallback for other vendors";
            case 1:
                return "MKL's kernels: already chosen by instruction set";
            case 0:
                return $"{left} (MKL had already run before the first network was built, and keeps its generic kernels for this AMD CPU)";
            default:
                return $"{left} (the loaded MKL's vendor check holds an unknown value)";
        }
    }

    /// <summary>The CPU vendor's CPUID string, e.g. "GenuineIntel" or "AuthenticAMD".</summary>
    internal static string Vendor()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> words = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(words));
    }

    private static bool TryFindCachedAnswer(out nint cached, out string why)
    {
        cached = 0;
        nint function = 0;
        if (!Libraries.Any(name => NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, Function, out function)))
        {
            why = $"the loaded libtorch exports no {Function}";
            return false;
        }
        for (int i = 0; i < Prologue.Length; i++)
            if (Prologue[i] is byte expected && Marshal.ReadByte(function, i) != expected)
            {
                why = $"this MKL's {Function} is not the one the library knows";
                return false;
            }
        // The offset is relative to the end of the 6-byte mov.
        cached = function + 6 + Marshal.ReadInt32(function, 2);
        why = "";
        return true;
    }
}
