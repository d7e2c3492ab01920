using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>A training row: context, its words, question, the gold answer's text and the words it covers (inclusive).</summary>
internal sealed record AnswerRow(string Context, EntityWord[] Words, string Question, string Answer, int FirstWord, int LastWord);

/// <summary>
/// Reads the context, question, answer and answer-start columns into memory, checking every row: the question and the
/// context must hold text, and the answer must be found in the context at the start the row gives.
/// </summary>
internal static class AnswerRows
{
    /// <summary>The rows of <paramref name="data"/>; throws naming the column (and row) of the first bad value.</summary>
    public static List<AnswerRow> Read(IDataView data, QuestionAnsweringOptions options)
    {
        var context = ScoringSchema.CheckTextColumn(data.Schema, options.TextColumnName);
        var question = ScoringSchema.CheckTextColumn(data.Schema, options.QuestionColumnName);
        var answer = ScoringSchema.CheckTextColumn(data.Schema, options.LabelColumnName);
        var start = data.Schema.GetColumnOrNull(options.AnswerStartColumnName) ?? throw new ArgumentOutOfRangeException(nameof(data),
            $"Answer start column '{options.AnswerStartColumnName}' was not found. Available columns: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        CheckStartType(start.Name, start.Type);

        var rows = new List<AnswerRow>();
        using var cursor = data.GetRowCursor([context, question, answer, start]);
        var getContext = cursor.GetGetter<ReadOnlyMemory<char>>(context);
        var getQuestion = cursor.GetGetter<ReadOnlyMemory<char>>(question);
        var getAnswer = cursor.GetGetter<ReadOnlyMemory<char>>(answer);
        var getStart = StartGetter(cursor, start);
        ReadOnlyMemory<char> c = default, q = default, a = default;
        while (cursor.MoveNext())
        {
            getContext(ref c);
            getQuestion(ref q);
            getAnswer(ref a);
            rows.Add(Row(cursor.Position, c.ToString(), q.ToString(), a.ToString(), getStart(), options));
        }
        if (rows.Count == 0)
            throw new InvalidOperationException($"The data has no rows to learn answers in column '{options.LabelColumnName}' from.");
        return rows;
    }

    /// <summary>Checks that an answer start column holds whole numbers ML.NET can hold: Int32, Int64, UInt32, Single or Double.</summary>
    public static void CheckStartType(string name, DataViewType type)
    {
        if (type is not NumberDataViewType n || !(n.RawType == typeof(int) || n.RawType == typeof(long) || n.RawType == typeof(uint)
            || n.RawType == typeof(float) || n.RawType == typeof(double)))
            throw new ArgumentOutOfRangeException(nameof(type),
                $"Answer start column '{name}' must hold the index of the answer's first character (Int32, Int64, UInt32, Single or Double); found {type}.");
    }

    private static AnswerRow Row(long position, string context, string question, string answer, double start, QuestionAnsweringOptions options)
    {
        string where = $"Row {position} (0-based): ";
        if (string.IsNullOrWhiteSpace(question))
            throw new InvalidOperationException(where + $"question column '{options.QuestionColumnName}' is empty; every row needs a question.");
        if (string.IsNullOrWhiteSpace(answer))
            throw new InvalidOperationException(where + $"answer column '{options.LabelColumnName}' is empty; every training row needs its answer's text.");
        if (double.IsNaN(start) || start != Math.Floor(start) || start < 0 || start + answer.Length > context.Length)
            throw new InvalidOperationException(where + $"answer start column '{options.AnswerStartColumnName}' holds {start}, which is not the " +
                $"first character of a {answer.Length}-character answer inside the {context.Length}-character context of column '{options.TextColumnName}'.");
        int at = (int)start;
        if (string.CompareOrdinal(context, at, answer, 0, answer.Length) != 0)
            throw new InvalidOperationException(where + $"answer column '{options.LabelColumnName}' holds \"{answer}\", but the context " +
                $"(column '{options.TextColumnName}') holds \"{context.Substring(at, answer.Length)}\" at the start {at} column " +
                $"'{options.AnswerStartColumnName}' gives" + (context.Contains(answer, StringComparison.Ordinal)
                    ? $"; the answer is found at {context.IndexOf(answer, StringComparison.Ordinal)}." : "; the answer is not in the context."));
        var words = EntityWords.Split(context);
        int end = at + answer.Length;
        int firstWord = Array.FindIndex(words, w => w.End > at && w.Start < end);
        int lastWord = Array.FindLastIndex(words, w => w.End > at && w.Start < end);
        if (firstWord < 0)
            throw new InvalidOperationException(where + $"answer column '{options.LabelColumnName}' holds \"{answer}\", which covers no word of the context.");
        return new AnswerRow(context, words, question, answer, firstWord, lastWord);
    }

    private static Func<double> StartGetter(DataViewRow row, DataViewSchema.Column column)
    {
        Func<double> Read<T>(Func<T, double> convert)
        {
            var getter = row.GetGetter<T>(column);
            T value = default!;
            return () => { getter(ref value); return convert(value); };
        }
        Type raw = column.Type.RawType;
        return raw == typeof(int) ? Read<int>(v => v)
            : raw == typeof(long) ? Read<long>(v => v)
            : raw == typeof(uint) ? Read<uint>(v => v)
            : raw == typeof(float) ? Read<float>(v => v)
            : Read<double>(v => v);
    }
}
