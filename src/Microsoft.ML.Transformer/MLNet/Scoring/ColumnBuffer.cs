using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>
/// Holds the values of one input column for the rows of a mini-batch, so that rows read ahead of the one being
/// served can still pass their columns through. Values are copied: cursors may reuse their buffers on MoveNext.
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>Reads the cursor's current value into slot <paramref name="slot"/>.</summary>
    public abstract void Capture(int slot);

    /// <summary>A getter (ValueGetter of the column's raw type) that serves the slot <paramref name="current"/> returns.</summary>
    public abstract Delegate Getter(Func<int> current);

    public static ColumnBuffer Create(DataViewRow row, DataViewSchema.Column column, int capacity)
    {
        Type raw = column.Type.RawType;
        Type buffer = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorBuffer<>).MakeGenericType(raw.GetGenericArguments()[0])
            : raw == typeof(ReadOnlyMemory<char>) ? typeof(TextBuffer) : typeof(ValueBuffer<>).MakeGenericType(raw);
        return (ColumnBuffer)Activator.CreateInstance(buffer, row, column, capacity)!;
    }

    private sealed class ValueBuffer<T>(DataViewRow row, DataViewSchema.Column column, int capacity) : ColumnBuffer
    {
        private readonly ValueGetter<T> _source = row.GetGetter<T>(column);
        private readonly T[] _values = new T[capacity];

        public override void Capture(int slot) => _source(ref _values[slot]);

        public override Delegate Getter(Func<int> current) => (ValueGetter<T>)((ref T dst) => dst = _values[current()]);
    }

    private sealed class TextBuffer(DataViewRow row, DataViewSchema.Column column, int capacity) : ColumnBuffer
    {
        private readonly ValueGetter<ReadOnlyMemory<char>> _source = row.GetGetter<ReadOnlyMemory<char>>(column);
        private readonly ReadOnlyMemory<char>[] _values = new ReadOnlyMemory<char>[capacity];

        public override void Capture(int slot)
        {
            ReadOnlyMemory<char> value = default;
            _source(ref value);
            _values[slot] = value.ToString().AsMemory();
        }

        public override Delegate Getter(Func<int> current) =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = _values[current()]);
    }

    private sealed class VectorBuffer<T>(DataViewRow row, DataViewSchema.Column column, int capacity) : ColumnBuffer
    {
        private readonly ValueGetter<VBuffer<T>> _source = row.GetGetter<VBuffer<T>>(column);
        private readonly VBuffer<T>[] _values = new VBuffer<T>[capacity];

        public override void Capture(int slot) => _source(ref _values[slot]);

        public override Delegate Getter(Func<int> current) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) => _values[current()].CopyTo(ref dst));
    }
}
