using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests;

/// <summary>
/// Runs the suite as on a CPU without bfloat16 instructions when TEST_AUTOMATIC_BF16 is false, through the library's
/// <see cref="TrainingOptions.AutomaticBFloat16Switch"/>: e.g. <c>TEST_AUTOMATIC_BF16=false dotnet test</c> on a CPU
/// with AVX512-BF16, where trainings whose precision is not pinned otherwise use bf16 mixed precision. Processes the
/// tests start (samples, separate loads) keep their own default. Also loads libtorch before any test, so that the
/// process-wide choices the library makes before the first product (<see cref="MklDispatch"/>) hold for every test,
/// whichever test computes first.
/// </summary>
[TestClass]
public sealed class TestPrecision
{
    /// <summary>Loads libtorch, then reads TEST_AUTOMATIC_BF16 (true or false; unset leaves the library's default), before any test.</summary>
    [AssemblyInitialize]
    public static void Apply(TestContext context)
    {
        TorchDevice.EnsureBackend();
        string? value = Environment.GetEnvironmentVariable("TEST_AUTOMATIC_BF16");
        if (string.IsNullOrEmpty(value)) return;
        if (!bool.TryParse(value, out bool allowed))
            throw new InvalidOperationException($"TEST_AUTOMATIC_BF16 must be true or false; found '{value}'.");
        AppContext.SetSwitch(TrainingOptions.AutomaticBFloat16Switch, allowed);
    }
}
