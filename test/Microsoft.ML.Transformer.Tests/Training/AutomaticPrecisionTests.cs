using System.Runtime.Intrinsics.X86;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class AutomaticPrecisionTests
{
    private static readonly CpuBFloat16 WithBf16 = new("AVX512-BF16", "");
    private static readonly CpuBFloat16 WithoutBf16 = new(null, "the CPU reports neither AVX512-BF16 nor AMX-BF16");

    [TestMethod]
    public void PrecisionIsUnsetByDefault()
    {
        var options = new TrainingOptions();
        Assert.IsNull(options.Precision, "chosen when training starts");
        options.Validate();
    }

    [TestMethod]
    public void Bf16WhereTheCpuHasItAndFloat32ElsewhereOnCudaOrWhenSwitchedOff()
    {
        var (precision, log) = AutomaticPrecision.Choose(DeviceType.CPU, WithBf16, allowed: true);
        Assert.AreEqual(Precision.BFloat16, precision);
        Assert.AreEqual("Precision: bf16 mixed precision (bfloat16 products, float32 weights) because the CPU reports AVX512-BF16; set Precision to pin it.", log);

        (precision, log) = AutomaticPrecision.Choose(DeviceType.CPU, WithoutBf16, allowed: true);
        Assert.AreEqual(Precision.Float32, precision);
        Assert.AreEqual("Precision: fp32 because the CPU reports neither AVX512-BF16 nor AMX-BF16; set Precision to pin it.", log);

        (precision, log) = AutomaticPrecision.Choose(DeviceType.CUDA, WithBf16, allowed: true);
        Assert.AreEqual(Precision.Float32, precision);
        StringAssert.Contains(log, "because the model is on CUDA");

        (precision, log) = AutomaticPrecision.Choose(DeviceType.CPU, WithBf16, allowed: false);
        Assert.AreEqual(Precision.Float32, precision);
        StringAssert.Contains(log, $"because the AppContext switch {TrainingOptions.AutomaticBFloat16Switch} is false");
    }

    [TestMethod]
    public void DetectionAgreesWithTheCpuFlagsLinuxLists()
    {
        // Linux lists the CPUID features it lets programs use in /proc/cpuinfo; other systems keep no such list.
        if (!X86Base.IsSupported || !File.Exists("/proc/cpuinfo"))
            Assert.Inconclusive("Needs an x64 CPU under Linux.");
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var cpu = AutomaticPrecision.Cpu;
        Console.WriteLine($"CPUID: {cpu.Instructions ?? cpu.Missing}; Linux flags avx512_bf16={flags.Contains("avx512_bf16")} amx_bf16={flags.Contains("amx_bf16")}");
        Assert.AreEqual(Avx512F.IsSupported && flags.Contains("avx512_bf16"), cpu.Instructions?.Contains("AVX512-BF16") == true, "AVX512-BF16");
        if (Avx512F.IsSupported && flags.Contains("amx_bf16"))
            StringAssert.Contains(cpu.Instructions, "AMX-BF16");
    }

    [TestMethod]
    public void TheLoopTrainsInTheChosenPrecisionAndLogsWhy()
    {
        var (expected, why) = AutomaticPrecision.Choose(DeviceType.CPU, AutomaticPrecision.Cpu, AutomaticPrecision.SwitchAllows);
        var (seen, log) = Train(new TrainingOptions { Epochs = 1, WarmupSteps = 0 });
        Console.WriteLine(why);
        CollectionAssert.AreEqual(Enumerable.Repeat(expected, 3).ToArray(), seen);
        CollectionAssert.Contains(log, why);
    }

    [TestMethod]
    public void APinnedPrecisionIsUsedAndNothingIsChosen()
    {
        foreach (var pinned in new[] { Precision.Float32, Precision.BFloat16 })
        {
            var (seen, log) = Train(new TrainingOptions { Epochs = 1, WarmupSteps = 0, Precision = pinned });
            CollectionAssert.AreEqual(Enumerable.Repeat(pinned, 3).ToArray(), seen, pinned.ToString());
            Assert.IsFalse(log.Any(l => l.StartsWith("Precision:", StringComparison.Ordinal)), string.Join("\n", log));
        }
    }

    [TestMethod]
    public void TheSwitchMakesTheChoiceFloat32OnAnyCpu()
    {
        bool wasSet = AppContext.TryGetSwitch(TrainingOptions.AutomaticBFloat16Switch, out bool before);
        AppContext.SetSwitch(TrainingOptions.AutomaticBFloat16Switch, false);
        try
        {
            var (seen, log) = Train(new TrainingOptions { Epochs = 1, WarmupSteps = 0 });
            CollectionAssert.AreEqual(Enumerable.Repeat(Precision.Float32, 3).ToArray(), seen);
            Assert.IsTrue(log.Any(l => l.StartsWith("Precision: fp32 because the AppContext switch", StringComparison.Ordinal)), string.Join("\n", log));
        }
        finally
        {
            AppContext.SetSwitch(TrainingOptions.AutomaticBFloat16Switch, !wasSet || before);
        }
    }

    /// <summary>Three steps of a tiny network: the precision it computed in at each step, and the loop's log.</summary>
    private static (Precision[] Seen, List<string> Log) Train(TrainingOptions options)
    {
        using var network = Modeling.TinyModels.Create(Modeling.TinyModels.Options());
        var seen = new List<Precision>();
        var log = new List<string>();
        using (var loop = new TrainingLoop(network, options, log: log.Add))
            loop.Run(_ => Enumerable.Range(0, 3).Select(i => new ToyBatch(Modeling.TinyModels.Ids(2, 5, seed: i), Modeling.TinyModels.Ids(2, 4, seed: 10 + i))), batch =>
            {
                seen.Add(network.Precision);
                return (network.forward(batch.Features, null, batch.Labels, null).mean(), 1);
            });
        Assert.AreEqual(Precision.Float32, network.Precision, "the trained network computes in float32 again");
        return ([.. seen], log);
    }
}
