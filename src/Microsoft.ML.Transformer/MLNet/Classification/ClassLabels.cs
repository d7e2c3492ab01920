using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// The classes a classifier predicts, read from the label column at <c>Fit</c> and saved with the model: their number
/// and their names (the label's key values, as after <c>MapValueToKey</c>; "0", "1"... when it has none; "False",
/// "True" for a binary label). Builds the output columns ML.NET's evaluators and <c>MapKeyToValue</c> expect.
/// </summary>
internal sealed class ClassLabels
{
    public ClassLabels(IReadOnlyList<string> names, bool binary)
    {
        if (names.Count < 2)
            throw new ArgumentException($"A classifier needs at least 2 classes; found {names.Count}.", nameof(names));
        Names = names;
        IsBinary = binary;
    }

    /// <summary>One name per class; class i is key i + 1 (key 0 means missing in ML.NET).</summary>
    public IReadOnlyList<string> Names { get; }

    public bool IsBinary { get; }

    public int Count => Names.Count;

    /// <summary>Reads the classes from the label column, or throws naming the column, the expected and the found type.</summary>
    public static ClassLabels FromSchema(DataViewSchema schema, string labelColumn, bool binary)
    {
        var column = schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentOutOfRangeException(nameof(labelColumn),
                $"Label column '{labelColumn}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (binary)
        {
            if (column.Type is not BooleanDataViewType)
                throw new ArgumentOutOfRangeException(nameof(labelColumn),
                    $"Label column '{labelColumn}' must be Boolean for binary classification; found {column.Type}.");
            return new ClassLabels(["False", "True"], binary: true);
        }
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentOutOfRangeException(nameof(labelColumn),
                $"Label column '{labelColumn}' must be a key type (use MapValueToKey) for multiclass classification; found {column.Type}.");
        if (key.Count < 2 || key.Count > 100_000)
            throw new ArgumentOutOfRangeException(nameof(labelColumn),
                $"Label column '{labelColumn}' must have between 2 and 100,000 classes; its key type has {key.Count}.");
        return new ClassLabels(KeyNames(column, (int)key.Count), binary: false);
    }

    private static string[] KeyNames(DataViewSchema.Column column, int count)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues);
        if (annotation is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
            var names = values.DenseValues().Select(v => v.ToString()).ToArray();
            if (names.Length == count)
                return names;
        }
        else if (annotation is { Type: VectorDataViewType vector })
        {
            // Key values of another type (a numeric category mapped to keys): keep their text form.
            var names = ReadAsText(column.Annotations, annotation.Value, vector);
            if (names.Length == count)
                return names;
        }
        return Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static string[] ReadAsText(DataViewSchema.Annotations annotations, DataViewSchema.Column column, VectorDataViewType type)
    {
        var method = typeof(ClassLabels).GetMethod(nameof(ReadTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ItemType.RawType);
        return (string[])method.Invoke(null, [annotations, column])!;
    }

    private static string[] ReadTyped<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        annotations.GetValue(column.Name, ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
    }

    /// <summary>The output columns: multiclass Score + PredictedLabel; binary Score + Probability + PredictedLabel.</summary>
    public IReadOnlyList<Scoring.ScoreColumn> OutputColumns()
    {
        if (IsBinary)
            return
            [
                new("Score", NumberDataViewType.Single, ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.BinaryClassification, AnnotationUtils.Const.ScoreValueKind.Score)),
                new("Probability", NumberDataViewType.Single, ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.BinaryClassification, AnnotationUtils.Const.ScoreValueKind.Probability)),
                new("PredictedLabel", BooleanDataViewType.Instance, ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.BinaryClassification, AnnotationUtils.Const.ScoreValueKind.PredictedLabel)),
            ];

        var names = new VBuffer<ReadOnlyMemory<char>>(Count, Names.Select(n => n.AsMemory()).ToArray());
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getNames = (ref VBuffer<ReadOnlyMemory<char>> dst) => names.CopyTo(ref dst);

        var score = new DataViewSchema.Annotations.Builder();
        score.AddSlotNames(Count, getNames);
        AddKinds(score, AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.Score);

        var predicted = new DataViewSchema.Annotations.Builder();
        predicted.AddKeyValues(Count, TextDataViewType.Instance, getNames);
        AddKinds(predicted, AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        return
        [
            new("Score", new VectorDataViewType(NumberDataViewType.Single, Count), score.ToAnnotations()),
            new("PredictedLabel", new KeyDataViewType(typeof(uint), Count), predicted.ToAnnotations()),
        ];
    }

    /// <summary>The same columns as a <see cref="SchemaShape"/>, for <c>GetOutputSchema</c> of the estimator.</summary>
    public static IEnumerable<SchemaShape.Column> OutputShape(bool binary)
    {
        var kinds = new SchemaShape(
        [
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
        ]);
        if (binary)
        {
            yield return new SchemaShape.Column("Score", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, kinds);
            yield return new SchemaShape.Column("Probability", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, kinds);
            yield return new SchemaShape.Column("PredictedLabel", SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false, kinds);
            yield break;
        }
        var slotNames = new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false);
        var keyValues = new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false);
        yield return new SchemaShape.Column("Score", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
            new SchemaShape([.. kinds, slotNames]));
        yield return new SchemaShape.Column("PredictedLabel", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
            new SchemaShape([.. kinds, keyValues]));
    }

    private static DataViewSchema.Annotations ScoreAnnotations(string columnKind, string valueKind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        AddKinds(builder, columnKind, valueKind);
        return builder.ToAnnotations();
    }

    private static void AddKinds(DataViewSchema.Annotations.Builder builder, string columnKind, string valueKind)
    {
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = columnKind.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = valueKind.AsMemory());
    }
}
