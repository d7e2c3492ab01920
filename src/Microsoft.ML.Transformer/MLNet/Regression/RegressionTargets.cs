using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Regression;

/// <summary>
/// The float labels of a data set, read in one pass and kept by row position (one float a row), so batches of
/// encoded texts can find their targets by row. The network learns them standardized (zero mean, unit variance):
/// the same learning rate then suits a label in [0, 1] and one in [0, 5000]; scores are mapped back.
/// </summary>
internal sealed class RegressionTargets
{
    private readonly float[] _values;

    private RegressionTargets(float[] values, double mean, double scale) => (_values, Mean, Scale) = (values, mean, scale);

    /// <summary>The mean of the labels, added back to every score.</summary>
    public double Mean { get; }

    /// <summary>The labels' standard deviation, which every standardized score is multiplied by.</summary>
    public double Scale { get; }

    /// <summary>The label of the row at <paramref name="position"/>, standardized.</summary>
    public float Standardized(long position) => (float)((_values[position] - Mean) / Scale);

    /// <summary>
    /// Reads <paramref name="column"/> of <paramref name="data"/>; throws naming the column when it is not a Single,
    /// or naming the row when a label is NaN or infinite.
    /// </summary>
    /// <param name="data">The rows.</param>
    /// <param name="column">The label column.</param>
    /// <param name="standardizeWith">The mean and scale to use (a validation set takes the training set's); null to compute them.</param>
    public static RegressionTargets Read(IDataView data, string column, (double Mean, double Scale)? standardizeWith = null)
    {
        var label = CheckColumn(data.Schema, column);
        var values = new List<float>();
        using (var cursor = data.GetRowCursor([label]))
        {
            var getter = cursor.GetGetter<float>(label);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                if (!float.IsFinite(value))
                    throw new InvalidOperationException(
                        $"Row {cursor.Position} (0-based) has label {value} in column '{column}': a regression label must be a finite number.");
                values.Add(value);
            }
        }
        if (values.Count == 0)
            throw new InvalidOperationException($"The data has no rows to read label column '{column}' from.");
        var (mean, scale) = standardizeWith ?? Moments(values, column);
        return new RegressionTargets([.. values], mean, scale);
    }

    /// <summary>Checks that <paramref name="column"/> exists and holds Single values, as ML.NET's regression trainers want.</summary>
    public static DataViewSchema.Column CheckColumn(DataViewSchema schema, string column)
    {
        var found = schema.GetColumnOrNull(column) ?? throw new ArgumentOutOfRangeException(nameof(column),
            $"Label column '{column}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (found.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(column),
                $"Label column '{column}' must hold Single (float) values for regression; found {found.Type}.");
        return found;
    }

    private static (double Mean, double Scale) Moments(List<float> values, string column)
    {
        double mean = values.Average(v => (double)v);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        if (!(variance > 0))
            throw new InvalidOperationException(
                $"Every label in column '{column}' is {values[0]}: a regressor needs labels that differ.");
        return (mean, Math.Sqrt(variance));
    }
}
