namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// The one rule between the two maximum lengths: the tokenizer's bounds an input, the network's sizes its position
/// table, and inputs never outgrow the table. A new network's table is raised to hold the inputs; the inputs read by a
/// network that already exists (pretrained, fitted) are capped at its table.
/// </summary>
internal static class PositionTableFit
{
    /// <summary>A new network's table length: <paramref name="tableLength"/>, raised to hold <paramref name="longestInput"/> tokens.</summary>
    public static int RaiseTable(int tableLength, int longestInput) => Math.Max(tableLength, longestInput);

    /// <summary>The most tokens an input read by <paramref name="network"/> holds: <paramref name="requested"/>, capped at its table.</summary>
    public static int CapInput(int requested, ModelOptions network) => Math.Min(requested, network.MaxLength);
}
