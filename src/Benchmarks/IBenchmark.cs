namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// One benchmark subcommand. Implementations are found by reflection, so adding a benchmark is adding a file.
/// Every benchmark prints machine-readable lines through <see cref="Result.Print"/>.
/// </summary>
internal interface IBenchmark
{
    /// <summary>The subcommand name, e.g. "train".</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark; <paramref name="args"/> are the arguments after the subcommand.</summary>
    void Run(BenchmarkArgs args);
}
