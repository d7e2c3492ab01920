using Microsoft.ML.Transformer.Batching;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>Checks that several components' options share, written once on top of <see cref="Require"/>.</summary>
internal static class OptionChecks
{
    /// <summary>Throws an <see cref="ArgumentNullException"/> naming the first nested options object that is null.</summary>
    public static void NotNull(params (string Name, object? Value)[] options)
    {
        foreach (var (name, value) in options)
            if (value is null)
                throw new ArgumentNullException(name, $"The option {name} is null: leave its default or set an instance.");
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming ScoringBatchSize unless it is between 1 and <see cref="BatcherOptions.MaxBatchSize"/>.</summary>
    public static void ScoringBatchSize(int value) => Require.InRange(value, 1, BatcherOptions.MaxBatchSize, "ScoringBatchSize");

    /// <summary>
    /// For the scoring-only components (embeddings, attention), whose network can only come from a fitted model: throws
    /// an <see cref="ArgumentException"/> naming BaseModel unless exactly one of the two is set. A trainer, which
    /// may also start from scratch, checks only "not both" (<see cref="PretrainedSource.Validate"/>).
    /// </summary>
    public static void ExactlyOneBaseModel(ITransformer? baseModel, string? baseModelPath, string why) =>
        Require.Holds(baseModel is null != baseModelPath is null, "BaseModel",
            $"Set exactly one of BaseModel or BaseModelPath: {why}; found {(baseModel is null ? "neither" : "both")}.");
}
