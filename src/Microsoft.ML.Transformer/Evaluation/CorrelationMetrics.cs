using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// How well scores follow labels by rank and by line, the figures sentence-similarity tasks report beside
/// <c>Regression.Evaluate</c>'s errors: Pearson's r (linear) and Spearman's ρ (Pearson's r of the ranks, ties given
/// their average rank).
/// </summary>
/// <param name="Pearson">Pearson correlation of score and label, in [-1, 1]; NaN when either is constant.</param>
/// <param name="Spearman">Spearman rank correlation of score and label, in [-1, 1]; NaN when either is constant.</param>
/// <param name="Count">The number of rows compared.</param>
public sealed record CorrelationMetrics(double Pearson, double Spearman, long Count)
{
    /// <summary>Reads the two Single columns of <paramref name="data"/> and correlates them.</summary>
    /// <param name="data">Scored rows, such as the output of a regressor's <c>Transform</c>.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="scoreColumnName">The score column (Single).</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not Single.</exception>
    public static CorrelationMetrics Evaluate(IDataView data, string labelColumnName = ColumnDefaults.Label, string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(data);
        var label = SingleColumn(data.Schema, labelColumnName, "Label");
        var score = SingleColumn(data.Schema, scoreColumnName, "Score");
        var labels = new List<double>();
        var scores = new List<double>();
        using var cursor = data.GetRowCursor([label, score]);
        var getLabel = cursor.GetGetter<float>(label);
        var getScore = cursor.GetGetter<float>(score);
        float l = 0, s = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getScore(ref s);
            labels.Add(l);
            scores.Add(s);
        }
        return Compute(labels, scores);
    }

    /// <summary>Correlates two equally long series.</summary>
    /// <param name="labels">The expected values.</param>
    /// <param name="scores">The predicted values.</param>
    /// <exception cref="ArgumentException">The series differ in length.</exception>
    public static CorrelationMetrics Compute(IReadOnlyList<double> labels, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        if (labels.Count != scores.Count)
            throw new ArgumentException($"There are {labels.Count} labels but {scores.Count} scores.", nameof(scores));
        return new CorrelationMetrics(PearsonOf(labels, scores), PearsonOf(Ranks(labels), Ranks(scores)), labels.Count);
    }

    private static double PearsonOf(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count < 2)
            return double.NaN;
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>1-based ranks; a run of equal values shares the mean of the ranks it spans.</summary>
    private static double[] Ranks(IReadOnlyList<double> values)
    {
        int[] order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
                end++;
            double shared = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
                ranks[order[k]] = shared;
            start = end + 1;
        }
        return ranks;
    }

    private static DataViewSchema.Column SingleColumn(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"{role} column '{name}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (column.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), $"{role} column '{name}' must hold Single values; found {column.Type}.");
        return column;
    }
}
