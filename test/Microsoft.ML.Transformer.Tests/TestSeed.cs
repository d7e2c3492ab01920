namespace Microsoft.ML.Transformer.Tests;

/// <summary>
/// Shifts every seed of the learning tests when TEST_SEED_OFFSET is set (an integer; 0 when unset), so that their
/// bounds can be checked on other initialisations and data, e.g. <c>TEST_SEED_OFFSET=2 dotnet test</c>.
/// </summary>
internal static class TestSeed
{
    /// <summary>The offset read from TEST_SEED_OFFSET.</summary>
    public static int Offset { get; } = Read();

    /// <summary><paramref name="seed"/> moved by the offset; a prime stride keeps shifted seeds apart from unshifted ones.</summary>
    public static int Shift(int seed) => seed + 7919 * Offset;

    private static int Read()
    {
        string? value = Environment.GetEnvironmentVariable("TEST_SEED_OFFSET");
        if (string.IsNullOrEmpty(value)) return 0;
        return int.TryParse(value, out int offset) ? offset
            : throw new InvalidOperationException($"TEST_SEED_OFFSET must be an integer; found '{value}'.");
    }
}
