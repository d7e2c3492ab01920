using System.Globalization;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// The rows held out of training for validation when the user gives no validation set: a seeded draw of the same
/// share of every class (stratified), capped, and skipped when too few rows would be held out to mean anything.
/// </summary>
internal static class ValidationSplit
{
    /// <summary>The most rows held out: beyond this, more validation rows cost time and say little more.</summary>
    internal const int MaxRows = 2_000;

    /// <summary>The fewest rows worth holding out; smaller data sets train on every row, without validation.</summary>
    internal const int MinRows = 20;

    /// <summary>
    /// The positions to hold out, or null (with a log line saying why) when the split is off or the data too small.
    /// Each class gives the same share of its rows, rounded, and always keeps at least one row for training.
    /// </summary>
    public static HashSet<long>? Choose(IReadOnlyList<IReadOnlyList<long>> rowsByClass, double fraction, int seed, Action<string> log)
    {
        long rows = rowsByClass.Sum(c => (long)c.Count);
        if (fraction <= 0)
            return null;
        double share = Math.Min(fraction, (double)MaxRows / rows);
        if (share * rows < MinRows)
        {
            log(string.Create(CultureInfo.InvariantCulture, $"No validation split: {rows:N0} rows would give fewer than {MinRows} validation rows; training on all rows for the chosen epochs."));
            return null;
        }
        var random = new Random(seed);
        var heldOut = new HashSet<long>();
        foreach (var positions in rowsByClass)
        {
            int take = Math.Min((int)Math.Round(share * positions.Count), Math.Max(0, positions.Count - 1));
            var shuffled = positions.ToArray();
            random.Shuffle(shuffled);
            heldOut.UnionWith(shuffled.Take(take));
        }
        log(string.Create(CultureInfo.InvariantCulture, $"Validation: held out {heldOut.Count:N0} of {rows:N0} rows ({share * 100:0.#}% of each class, seeded) for early stopping and best-weight ")
            + "selection; set ValidationSet to use your own rows or ValidationFraction = 0 to train on all.");
        return heldOut;
    }
}
