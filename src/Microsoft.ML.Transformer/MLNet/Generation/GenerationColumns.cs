using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// Reads (generated text, references) rows from an <see cref="IDataView"/> for evaluation: the generated column holds
/// one text, the reference column one text or a vector of texts (several references per source). Checks the columns
/// up front and names them in every error.
/// </summary>
internal static class GenerationColumns
{
    /// <summary>Throws unless <paramref name="name"/> is a text column of <paramref name="schema"/>.</summary>
    public static DataViewSchema.Column Text(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{role} column '{name}' must be of type String (text); found {column.Type}.");
        return column;
    }

    /// <summary>Throws unless <paramref name="name"/> is a text column or a vector of text of <paramref name="schema"/>.</summary>
    public static DataViewSchema.Column TextOrTextVector(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, role);
        if (column.Type is not (TextDataViewType or VectorDataViewType { ItemType: TextDataViewType }))
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{role} column '{name}' must be of type String (text) or a vector of String (several references); found {column.Type}.");
        return column;
    }

    /// <summary>
    /// One pass over <paramref name="data"/>: per row, the generated text and its references (every entry of a vector,
    /// in order; a missing text reads as empty).
    /// </summary>
    public static IEnumerable<(string Generated, IReadOnlyList<string> References)> Read(IDataView data,
        string referenceColumnName, string generatedColumnName)
    {
        var generated = Text(data.Schema, generatedColumnName, "Generated");
        var reference = TextOrTextVector(data.Schema, referenceColumnName, "Reference");
        return ReadRows(data, generated, reference);
    }

    /// <summary>A getter of the references of the cursor's current row, for a text or text-vector column.</summary>
    public static Func<IReadOnlyList<string>> References(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var text = row.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                text(ref value);
                return [value.ToString()];
            };
        }
        var vector = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> values = default;
        return () =>
        {
            vector(ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        };
    }

    private static IEnumerable<(string, IReadOnlyList<string>)> ReadRows(IDataView data, DataViewSchema.Column generated,
        DataViewSchema.Column reference)
    {
        using var cursor = data.GetRowCursor([generated, reference]);
        var hypothesis = cursor.GetGetter<ReadOnlyMemory<char>>(generated);
        var references = References(cursor, reference);
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            hypothesis(ref text);
            yield return (text.ToString(), references());
        }
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"The {role.ToLowerInvariant()} column name must not be empty.", nameof(name));
        return schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"{role} column '{name}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
    }
}
