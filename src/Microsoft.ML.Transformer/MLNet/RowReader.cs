using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// Reads one or two text columns, and optionally a label column, from an <see cref="IDataView"/> one row at a time:
/// a cursor, never the whole data set in memory. Checks the schema up front so a wrong column name or type fails
/// before any work, with a message that says what was expected and what is there.
/// </summary>
internal sealed class RowReader
{
    /// <summary>Makes a label getter for a column; the default understands key, integer and boolean columns.</summary>
    public delegate Func<long> LabelSelector(DataViewRow row, DataViewSchema.Column column);

    private readonly IDataView _data;
    private readonly DataViewSchema.Column _text;
    private readonly DataViewSchema.Column? _second;
    private readonly DataViewSchema.Column? _label;
    private readonly LabelSelector _labelSelector;
    private readonly EmptyTextHandling _emptyText;
    private readonly Action<string>? _log;

    public RowReader(IDataView data, string textColumn, string? secondColumn = null, string? labelColumn = null,
        EmptyTextHandling emptyText = EmptyTextHandling.Skip, Action<string>? log = null, LabelSelector? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _text = TextColumn(data.Schema, textColumn);
        _second = secondColumn is null ? null : TextColumn(data.Schema, secondColumn);
        _label = labelColumn is null ? null : Column(data.Schema, labelColumn);
        _labelSelector = labelSelector ?? DefaultLabel;
        if (_label is { } l && labelSelector is null) CheckLabelType(l);
        _emptyText = emptyText;
        _log = log;
    }

    /// <summary>Rows skipped for empty or missing text during the last completed pass.</summary>
    public long SkippedRows { get; private set; }

    /// <summary>One lazy pass over the rows. Each enumeration opens a new cursor.</summary>
    public IEnumerable<TextRow> Read()
    {
        var active = new List<DataViewSchema.Column> { _text };
        if (_second is { } s) active.Add(s);
        if (_label is { } l) active.Add(l);
        using var cursor = _data.GetRowCursor(active);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(_text);
        var second = _second is { } sc ? cursor.GetGetter<ReadOnlyMemory<char>>(sc) : null;
        var label = _label is { } lc ? _labelSelector(cursor, lc) : null;
        ReadOnlyMemory<char> a = default, b = default;
        long skipped = 0;
        while (cursor.MoveNext())
        {
            text(ref a);
            if (second != null) second(ref b);
            if (IsEmpty(a, _text, cursor.Position) || (second != null && IsEmpty(b, _second!.Value, cursor.Position)))
            {
                skipped++;
                continue;
            }
            yield return new TextRow(cursor.Position, a.ToString(), second != null ? b.ToString() : null, label?.Invoke() ?? 0);
        }
        SkippedRows = skipped;
        if (skipped > 0)
            _log?.Invoke($"Skipped {skipped} row(s) with empty or missing text in column '{_text.Name}'{(_second is { } s2 ? $" or '{s2.Name}'" : "")}.");
    }

    private bool IsEmpty(ReadOnlyMemory<char> value, DataViewSchema.Column column, long row)
    {
        if (!value.IsEmpty) return false;
        if (_emptyText == EmptyTextHandling.Error)
            throw new InvalidOperationException($"Row {row} (0-based) has empty or missing text in column '{column.Name}' (EmptyTextHandling.Error).");
        return true;
    }

    private static DataViewSchema.Column Column(DataViewSchema schema, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"Column '{name}' not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.", nameof(name));
    }

    private static DataViewSchema.Column TextColumn(DataViewSchema schema, string name)
    {
        var column = Column(schema, name);
        if (column.Type is not TextDataViewType)
            throw new ArgumentException(
                $"Column '{name}' must hold text (String, i.e. ReadOnlyMemory<char>) but holds {column.Type} ({column.Type.RawType.Name}).", nameof(name));
        return column;
    }

    private static readonly Type[] LabelTypes = [typeof(uint), typeof(ulong), typeof(ushort), typeof(byte), typeof(int), typeof(long), typeof(short), typeof(sbyte), typeof(bool)];

    private static void CheckLabelType(DataViewSchema.Column column)
    {
        if (!LabelTypes.Contains(column.Type.RawType))
            throw new ArgumentException(
                $"Label column '{column.Name}' holds {column.Type} ({column.Type.RawType.Name}); expected a key, integer or Boolean column " +
                "(map text labels to keys with MapValueToKey), or pass a label selector.", nameof(column));
    }

    /// <summary>Key labels become 0-based class indices (a missing key, 0, becomes -1); integers stay; true is 1.</summary>
    private static Func<long> DefaultLabel(DataViewRow row, DataViewSchema.Column column)
    {
        long keyShift = column.Type is KeyDataViewType ? 1 : 0;
        return column.Type.RawType switch
        {
            var t when t == typeof(uint) => Read<uint>(row, column, v => v - keyShift),
            var t when t == typeof(ulong) => Read<ulong>(row, column, v => (long)v - keyShift),
            var t when t == typeof(ushort) => Read<ushort>(row, column, v => v - keyShift),
            var t when t == typeof(byte) => Read<byte>(row, column, v => v - keyShift),
            var t when t == typeof(int) => Read<int>(row, column, v => v),
            var t when t == typeof(long) => Read<long>(row, column, v => v),
            var t when t == typeof(short) => Read<short>(row, column, v => v),
            var t when t == typeof(sbyte) => Read<sbyte>(row, column, v => v),
            var t when t == typeof(bool) => Read<bool>(row, column, v => v ? 1 : 0),
            _ => throw new ArgumentException($"Label column '{column.Name}' holds {column.Type}; expected a key, integer or Boolean column."),
        };
    }

    private static Func<long> Read<T>(DataViewRow row, DataViewSchema.Column column, Func<T, long> convert)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () => { getter(ref value); return convert(value); };
    }
}
