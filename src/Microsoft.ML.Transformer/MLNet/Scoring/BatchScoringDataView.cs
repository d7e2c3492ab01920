using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>
/// The lazy result of <c>Transform</c>: the input's columns plus the scorer's, computed in mini-batches as the cursor
/// advances. The cursor reads up to <see cref="ITextBatchScorer.BatchSize"/> input rows ahead, scores them in one call
/// and then serves them one by one; nothing is computed for a cursor that asks for none of the added columns.
/// </summary>
internal sealed class BatchScoringDataView : IDataView
{
    private readonly IDataView _input;
    private readonly ITextBatchScorer _scorer;
    private readonly int[] _textIndices;

    public BatchScoringDataView(IDataView input, ITextBatchScorer scorer)
    {
        _input = input;
        _scorer = scorer;
        _textIndices = ScoringSchema.InputIndices(input.Schema, scorer);
        Schema = ScoringSchema.Build(input.Schema, scorer);
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int inputCount = _input.Schema.Count;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        bool scoring = needed.Any(i => i >= inputCount);
        var inputNeeded = needed.Where(i => i < inputCount).ToHashSet();
        if (scoring)
            inputNeeded.UnionWith(_textIndices);
        var cursor = _input.GetRowCursor(inputNeeded.Select(i => _input.Schema[i]), rand);
        return new Cursor(this, cursor, needed, scoring);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchScoringDataView _parent;
        private readonly DataViewRowCursor _input;
        private readonly HashSet<int> _active;
        private readonly int _capacity;
        private readonly Dictionary<int, ColumnBuffer> _passThrough = new();
        private readonly ValueGetter<ReadOnlyMemory<char>>[] _textGetters;
        private readonly ValueGetter<DataViewRowId> _idGetter;
        private readonly DataViewRowId[] _ids;
        private readonly string[][] _texts;
        private readonly object[][] _results;
        private int _count;   // rows in the current mini-batch
        private int _slot = -1; // the row being served
        private long _position = -1;
        private bool _done;

        public Cursor(BatchScoringDataView parent, DataViewRowCursor input, HashSet<int> active, bool scoring)
        {
            _parent = parent;
            _input = input;
            _active = active;
            _capacity = Math.Max(1, parent._scorer.BatchSize);
            int inputCount = parent._input.Schema.Count;
            foreach (int i in active.Where(i => i < inputCount))
                _passThrough[i] = ColumnBuffer.Create(input, input.Schema[i], _capacity);
            _textGetters = scoring
                ? parent._textIndices.Select(i => input.GetGetter<ReadOnlyMemory<char>>(input.Schema[i])).ToArray()
                : [];
            _idGetter = input.GetIdGetter();
            _ids = new DataViewRowId[_capacity];
            _texts = new string[_capacity][];
            _results = new object[_capacity][];
            for (int r = 0; r < _capacity; r++)
            {
                _texts[r] = new string[_textGetters.Length];
                _results[r] = new object[parent._scorer.OutputColumns.Count];
            }
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId dst) => dst = _ids[_slot];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
            int inputCount = _parent._input.Schema.Count;
            Delegate getter = column.Index < inputCount
                ? _passThrough[column.Index].Getter(() => _slot)
                : ScoringSchema.OutputGetter(column.Type, OutputOf(column.Index - inputCount));
            return ScoringSchema.Cast<TValue>(getter, column);
        }

        private Func<object> OutputOf(int output) => () => _results[_slot][output];

        public override bool MoveNext()
        {
            if (_done)
                return false;
            if (_slot + 1 < _count)
            {
                _slot++;
                _position++;
                return true;
            }
            if (!Fill())
            {
                _done = true;
                return false;
            }
            _slot = 0;
            _position++;
            return true;
        }

        /// <summary>Reads the next mini-batch of input rows and scores it.</summary>
        private bool Fill()
        {
            _count = 0;
            while (_count < _capacity && _input.MoveNext())
            {
                _idGetter(ref _ids[_count]);
                foreach (var buffer in _passThrough.Values)
                    buffer.Capture(_count);
                for (int c = 0; c < _textGetters.Length; c++)
                {
                    ReadOnlyMemory<char> text = default;
                    _textGetters[c](ref text);
                    _texts[_count][c] = text.ToString();
                }
                _count++;
            }
            if (_count == 0)
                return false;
            if (_textGetters.Length > 0)
                _parent._scorer.Score(new ArraySegment<string[]>(_texts, 0, _count), _results);
            MemoryManagement.AfterStep();
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
