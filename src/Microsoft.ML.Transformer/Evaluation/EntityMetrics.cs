using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>Precision, recall and F1 of one entity type, or of all of them together.</summary>
/// <param name="Precision">Correct predicted entities / predicted entities; 0 when nothing was predicted.</param>
/// <param name="Recall">Correct predicted entities / expected entities; 0 when nothing was expected.</param>
/// <param name="F1">The harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="Expected">The number of expected entities (the support).</param>
/// <param name="Predicted">The number of predicted entities.</param>
/// <param name="Correct">Predicted entities whose words and type are exactly an expected one's.</param>
public sealed record EntityScores(double Precision, double Recall, double F1, long Expected, long Predicted, long Correct)
{
    internal static EntityScores From(long expected, long predicted, long correct)
    {
        double precision = predicted == 0 ? 0 : (double)correct / predicted;
        double recall = expected == 0 ? 0 : (double)correct / expected;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new EntityScores(precision, recall, f1, expected, predicted, correct);
    }
}

/// <summary>
/// Entity-level scores of a tagger, as CoNLL scores them: an entity counts as found only when a predicted entity has
/// exactly its words and its type (see <see cref="EntitySpans"/> for how labels become entities); overall and per type.
/// </summary>
/// <param name="Overall">All types together (micro-averaged).</param>
/// <param name="PerType">Each type seen in the expected or the predicted labels, by name.</param>
/// <param name="Rows">The number of rows (sentences) compared.</param>
public sealed record EntityMetrics(EntityScores Overall, IReadOnlyDictionary<string, EntityScores> PerType, long Rows)
{
    /// <summary>Compares expected and predicted labels, one pair of equally long label sequences a row.</summary>
    /// <param name="rows">Per row: the expected labels and the predicted labels, one per word.</param>
    /// <exception cref="ArgumentException">A row's two sequences differ in length.</exception>
    public static EntityMetrics Compute(IEnumerable<(IReadOnlyList<string> Expected, IReadOnlyList<string> Predicted)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var counts = new SortedDictionary<string, long[]>(StringComparer.Ordinal);   // type → expected, predicted, correct
        long count = 0;
        foreach (var (expected, predicted) in rows)
        {
            if (expected.Count != predicted.Count)
                throw new ArgumentException($"Row {count} has {expected.Count} expected labels but {predicted.Count} predicted ones; each word needs one of each.", nameof(rows));
            var gold = EntitySpans.Chunks(expected);
            var guess = EntitySpans.Chunks(predicted);
            foreach (var c in gold) Count(counts, c.Type)[0]++;
            foreach (var c in guess) Count(counts, c.Type)[1]++;
            foreach (var c in guess.Intersect(gold)) Count(counts, c.Type)[2]++;
            count++;
        }
        var perType = counts.ToDictionary(p => p.Key, p => EntityScores.From(p.Value[0], p.Value[1], p.Value[2]), StringComparer.Ordinal);
        var overall = EntityScores.From(counts.Values.Sum(c => c[0]), counts.Values.Sum(c => c[1]), counts.Values.Sum(c => c[2]));
        return new EntityMetrics(overall, perType, count);
    }

    /// <summary>
    /// Reads a tagger's output: the expected and predicted labels, each a vector of keys whose key values are the label
    /// names (as after <c>MapValueToKey</c>, and as the tagger's <c>PredictedLabel</c>), and scores them.
    /// </summary>
    /// <param name="data">Scored rows, such as the output of an entity tagger's <c>Transform</c>.</param>
    /// <param name="labelColumnName">The expected labels.</param>
    /// <param name="predictedLabelColumnName">The predicted labels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, is not a vector of keys, or has no key values.</exception>
    public static EntityMetrics Evaluate(IDataView data, string labelColumnName = ColumnDefaults.Label, string predictedLabelColumnName = "PredictedLabel")
    {
        ArgumentNullException.ThrowIfNull(data);
        var (label, labelNames) = KeyVector(data.Schema, labelColumnName);
        var (predicted, predictedNames) = KeyVector(data.Schema, predictedLabelColumnName);
        return Compute(Read(data, label, labelNames, predicted, predictedNames));
    }

    private static IEnumerable<(IReadOnlyList<string>, IReadOnlyList<string>)> Read(IDataView data,
        DataViewSchema.Column label, string[] labelNames, DataViewSchema.Column predicted, string[] predictedNames)
    {
        using var cursor = data.GetRowCursor([label, predicted]);
        var getLabel = cursor.GetGetter<VBuffer<uint>>(label);
        var getPredicted = cursor.GetGetter<VBuffer<uint>>(predicted);
        VBuffer<uint> l = default, p = default;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getPredicted(ref p);
            yield return (Names(l, labelNames), Names(p, predictedNames));
        }
    }

    // Key 0 (missing) reads as outside: a word without a label holds no entity.
    private static string[] Names(VBuffer<uint> keys, string[] names) =>
        keys.DenseValues().Select(k => k == 0 || k > names.Length ? EntitySpans.Outside : names[k - 1]).ToArray();

    /// <summary>The column, checked to be a vector of keys with text key values, and those values.</summary>
    internal static (DataViewSchema.Column Column, string[] Names) KeyVector(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name),
            $"Column '{name}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key })
            throw new ArgumentOutOfRangeException(nameof(name),
                $"Column '{name}' must be a vector of keys (one label per word, as after MapValueToKey); found {column.Type}.");
        var values = column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues);
        if (values is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            throw new ArgumentOutOfRangeException(nameof(name),
                $"Column '{name}' must carry its label names as text key values (MapValueToKey over text labels adds them); found none.");
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref names);
        var result = names.DenseValues().Select(v => v.ToString()).ToArray();
        if (result.Length != (int)key.Count)
            throw new ArgumentOutOfRangeException(nameof(name),
                $"Column '{name}' has {key.Count} keys but {result.Length} key values.");
        return (column, result);
    }

    private static long[] Count(SortedDictionary<string, long[]> counts, string type) =>
        counts.TryGetValue(type, out var c) ? c : counts[type] = new long[3];
}
