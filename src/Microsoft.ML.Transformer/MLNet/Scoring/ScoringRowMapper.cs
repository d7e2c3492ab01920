using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>
/// One row at a time, for <c>PredictionEngine</c> and for chains that map rows: the added columns are computed on
/// the first getter call for a row and kept until the input row moves. Each row is scored under the thread policy of
/// <see cref="ServingThreads"/>.
/// </summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    private readonly ITextBatchScorer _scorer;
    private readonly int[] _textIndices;

    public ScoringRowMapper(DataViewSchema inputSchema, ITextBatchScorer scorer)
    {
        _scorer = scorer;
        _textIndices = ScoringSchema.InputIndices(inputSchema, scorer);
        InputSchema = inputSchema;
        OutputSchema = ScoringSchema.Build(inputSchema, scorer);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = dependingColumns.Where(c => c.Index < InputSchema.Count).Select(c => c.Index).ToHashSet();
        if (dependingColumns.Any(c => c.Index >= InputSchema.Count))
            needed.UnionWith(_textIndices);
        return needed.OrderBy(i => i).Select(i => InputSchema[i]);
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new Row(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class Row : DataViewRow
    {
        private readonly ScoringRowMapper _parent;
        private readonly DataViewRow _input;
        private readonly HashSet<int> _active;
        private readonly object[][] _results;
        private readonly string[][] _texts;
        private ValueGetter<ReadOnlyMemory<char>>[]? _textGetters;
        private long _scoredPosition = -1;

        public Row(ScoringRowMapper parent, DataViewRow input, HashSet<int> active)
        {
            _parent = parent;
            _input = input;
            _active = active;
            _results = [new object[parent._scorer.OutputColumns.Count]];
            _texts = [new string[parent._textIndices.Length]];
        }

        public override DataViewSchema Schema => _parent.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _parent.InputSchema.Count;
            if (column.Index < inputCount)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            int output = column.Index - inputCount;
            return ScoringSchema.Cast<TValue>(ScoringSchema.OutputGetter(column.Type, () => Current()[output]), column);
        }

        private object[] Current()
        {
            if (_scoredPosition != _input.Position || _scoredPosition < 0)
            {
                _textGetters ??= _parent._textIndices.Select(i => _input.GetGetter<ReadOnlyMemory<char>>(_input.Schema[i])).ToArray();
                for (int c = 0; c < _textGetters.Length; c++)
                {
                    ReadOnlyMemory<char> text = default;
                    _textGetters[c](ref text);
                    _texts[0][c] = text.ToString();
                }
                using (_parent._scorer.RunsLibtorch ? PredictionThreads.Enter() : default)
                    _parent._scorer.Score(_texts, _results);
                _scoredPosition = _input.Position;
            }
            return _results[0];
        }
    }
}
