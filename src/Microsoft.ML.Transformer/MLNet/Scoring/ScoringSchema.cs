using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>Checks an input schema against a scorer and builds the output schema (input columns, then added ones).</summary>
internal static class ScoringSchema
{
    /// <summary>The indices of the scorer's input columns in <paramref name="input"/>; throws naming a missing or non-text column.</summary>
    public static int[] InputIndices(DataViewSchema input, ITextBatchScorer scorer)
    {
        var indices = new int[scorer.InputColumns.Count];
        for (int i = 0; i < indices.Length; i++)
            indices[i] = CheckTextColumn(input, scorer.InputColumns[i]).Index;
        return indices;
    }

    /// <summary>Finds a text column or throws an exception that names the column, what was expected and what was found.</summary>
    public static DataViewSchema.Column CheckTextColumn(DataViewSchema input, string name)
    {
        var column = input.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(input),
                $"Input column '{name}' was not found. Available columns: {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Input column '{name}' must be of type String (text); found {column.Type}.");
        return column;
    }

    /// <summary>Checks that an estimator's input shape has <paramref name="name"/> as a String scalar; the messages call it by its <paramref name="role"/>.</summary>
    public static void CheckTextColumn(SchemaShape schema, string name, string role = "Text")
    {
        var column = FindColumn(schema, name, role);
        if (column.ItemType is not TextDataViewType || column.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(schema), $"{role} column '{name}' must be a String scalar; found {column.ItemType} ({column.Kind}).");
    }

    /// <summary>Finds <paramref name="name"/> in an estimator's input shape, or throws calling it by its <paramref name="role"/>.</summary>
    public static SchemaShape.Column FindColumn(SchemaShape schema, string name, string role)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(schema), $"{role} column '{name}' was not found in the input schema.");
        return column;
    }

    /// <summary>An estimator's output shape: the input columns, then <paramref name="added"/> (replacing any of the same name).</summary>
    public static SchemaShape With(SchemaShape input, IEnumerable<SchemaShape.Column> added)
    {
        var columns = input.ToDictionary(c => c.Name);
        foreach (var column in added)
            columns[column.Name] = column;
        return new SchemaShape(columns.Values);
    }

    public static DataViewSchema Build(DataViewSchema input, ITextBatchScorer scorer)
    {
        InputIndices(input, scorer);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var column in scorer.OutputColumns)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        return builder.ToSchema();
    }

    /// <summary>
    /// A getter that hands out one output value of the current row, converting from the scorer's representation
    /// (float[] for a vector of Single, long[] for a vector of Int64, string[] for a vector of text).
    /// </summary>
    public static Delegate OutputGetter(DataViewType type, Func<object> current)
    {
        return type switch
        {
            VectorDataViewType { ItemType: TextDataViewType } => (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> dst) =>
            {
                var src = (string[])current();
                var editor = VBufferEditor.Create(ref dst, src.Length);
                for (int i = 0; i < src.Length; i++) editor.Values[i] = src[i].AsMemory();
                dst = editor.Commit();
            }),
            VectorDataViewType { ItemType: KeyDataViewType } => ArrayGetter<uint>(current),
            VectorDataViewType { ItemType: NumberDataViewType n } when n.RawType == typeof(int) => ArrayGetter<int>(current),
            VectorDataViewType { ItemType: NumberDataViewType n } when n.RawType == typeof(long) => ArrayGetter<long>(current),
            VectorDataViewType => ArrayGetter<float>(current),
            TextDataViewType => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = ((string)current()).AsMemory()),
            KeyDataViewType => (ValueGetter<uint>)((ref uint dst) => dst = (uint)current()),
            BooleanDataViewType => (ValueGetter<bool>)((ref bool dst) => dst = (bool)current()),
            NumberDataViewType n when n.RawType == typeof(int) => (ValueGetter<int>)((ref int dst) => dst = (int)current()),
            NumberDataViewType n when n.RawType == typeof(float) => (ValueGetter<float>)((ref float dst) => dst = (float)current()),
            _ => throw new NotSupportedException($"Output type {type} is not supported by the scoring machinery."),
        };
    }

    private static ValueGetter<VBuffer<T>> ArrayGetter<T>(Func<object> current) => (ref VBuffer<T> dst) =>
    {
        var src = (T[])current();
        var editor = VBufferEditor.Create(ref dst, src.Length);
        src.AsSpan().CopyTo(editor.Values);
        dst = editor.Commit();
    };

    /// <summary>Casts a getter to the type the caller asked for, with a clear message when it does not match.</summary>
    public static ValueGetter<TValue> Cast<TValue>(Delegate getter, DataViewSchema.Column column)
    {
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"Invalid TValue in GetGetter for column '{column.Name}': expected {column.Type.RawType}, got {typeof(TValue)}.");
    }
}
