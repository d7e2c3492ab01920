using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// Extractive question answering scored as the SQuAD evaluation script scores it: both answers are normalised (lower
/// case, ASCII punctuation removed, the articles a/an/the removed, white space collapsed); exact match is 1 when the
/// normalised texts are equal, token F1 is the harmonic mean of the precision and recall of their shared words (counted
/// with multiplicity). With several gold answers a row takes the best of each score. Both are averaged over the rows,
/// as fractions in [0, 1] (SQuAD prints them times 100). An answer that normalises to nothing scores F1 1 against another
/// such answer and 0 against any other (SQuAD 2.0's rule; 1.1's script gave 0 even when both were empty).
/// </summary>
/// <param name="ExactMatch">The share of rows whose predicted answer equals a gold one after normalisation.</param>
/// <param name="F1">The mean over rows of the best token F1 against the gold answers.</param>
/// <param name="Rows">The number of rows scored.</param>
public sealed partial record QuestionAnsweringMetrics(double ExactMatch, double F1, long Rows)
{
    /// <summary>The text as SQuAD compares it: lower case, no ASCII punctuation, no articles, single spaces.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var kept = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant())
            if (!(c < 128 && char.IsPunctuation(c) || c < 128 && char.IsSymbol(c)))
                kept.Append(c);
        string noArticles = Articles().Replace(kept.ToString(), " ");
        return string.Join(' ', noArticles.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>1 when <paramref name="predicted"/> and <paramref name="gold"/> normalise to the same text, else 0.</summary>
    public static double ExactMatchOf(string predicted, string gold) => Normalize(predicted) == Normalize(gold) ? 1 : 0;

    /// <summary>The token F1 of <paramref name="predicted"/> against <paramref name="gold"/> (words of the normalised texts).</summary>
    public static double F1Of(string predicted, string gold)
    {
        string[] p = Normalize(predicted).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] g = Normalize(gold).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length == 0 || g.Length == 0)
            return p.Length == g.Length ? 1 : 0;
        var left = g.GroupBy(w => w, StringComparer.Ordinal).ToDictionary(w => w.Key, w => w.Count(), StringComparer.Ordinal);
        int shared = 0;
        foreach (string word in p)
            if (left.TryGetValue(word, out int n) && n > 0)
            {
                left[word] = n - 1;
                shared++;
            }
        if (shared == 0) return 0;
        double precision = (double)shared / p.Length, recall = (double)shared / g.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Scores predicted answers, each against its row's gold answers (the best of each score is the row's).</summary>
    /// <param name="rows">Per row: the predicted answer and one or more gold answers.</param>
    /// <exception cref="ArgumentException">A row has no gold answer.</exception>
    public static QuestionAnsweringMetrics Compute(IEnumerable<(string Predicted, IReadOnlyList<string> Gold)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        double exact = 0, f1 = 0;
        long count = 0;
        foreach (var (predicted, gold) in rows)
        {
            if (gold is null || gold.Count == 0)
                throw new ArgumentException($"Row {count} has no gold answer; give at least one.", nameof(rows));
            exact += gold.Max(g => ExactMatchOf(predicted ?? "", g));
            f1 += gold.Max(g => F1Of(predicted ?? "", g));
            count++;
        }
        return count == 0 ? new QuestionAnsweringMetrics(0, 0, 0) : new QuestionAnsweringMetrics(exact / count, f1 / count, count);
    }

    /// <summary>
    /// Reads scored rows (such as a question answerer's <c>Transform</c> output) and scores them: the gold answers are
    /// a text column, or a vector of text for several gold answers a row; the predicted answer is a text column.
    /// </summary>
    /// <param name="data">The scored rows.</param>
    /// <param name="answerColumnName">The gold answer(s): text, or a vector of text.</param>
    /// <param name="predictedAnswerColumnName">The predicted answer (text).</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or is not text.</exception>
    public static QuestionAnsweringMetrics Evaluate(IDataView data, string answerColumnName = ColumnDefaults.Answer, string predictedAnswerColumnName = "PredictedAnswer")
    {
        ArgumentNullException.ThrowIfNull(data);
        var gold = TextColumn(data.Schema, answerColumnName, allowVector: true);
        var predicted = TextColumn(data.Schema, predictedAnswerColumnName, allowVector: false);
        return Compute(Read(data, gold, predicted));
    }

    private static IEnumerable<(string, IReadOnlyList<string>)> Read(IDataView data, DataViewSchema.Column gold, DataViewSchema.Column predicted)
    {
        using var cursor = data.GetRowCursor([gold, predicted]);
        var getPredicted = cursor.GetGetter<ReadOnlyMemory<char>>(predicted);
        Func<string[]> getGold;
        if (gold.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(gold);
            VBuffer<ReadOnlyMemory<char>> v = default;
            getGold = () => { getter(ref v); return v.DenseValues().Select(x => x.ToString()).ToArray(); };
        }
        else
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(gold);
            ReadOnlyMemory<char> t = default;
            getGold = () => { getter(ref t); return [t.ToString()]; };
        }
        ReadOnlyMemory<char> p = default;
        while (cursor.MoveNext())
        {
            getPredicted(ref p);
            var answers = getGold();
            if (answers.Length == 0)
                throw new InvalidOperationException($"Row {cursor.Position} (0-based): answer column '{gold.Name}' holds no gold answer.");
            yield return (p.ToString(), answers);
        }
    }

    private static DataViewSchema.Column TextColumn(DataViewSchema schema, string name, bool allowVector)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name),
            $"Column '{name}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        bool ok = column.Type is TextDataViewType || allowVector && column.Type is VectorDataViewType { ItemType: TextDataViewType };
        if (!ok)
            throw new ArgumentOutOfRangeException(nameof(name),
                $"Column '{name}' must hold text{(allowVector ? " or a vector of text (several gold answers)" : "")}; found {column.Type}.");
        return column;
    }

    [GeneratedRegex(@"\b(a|an|the)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}
