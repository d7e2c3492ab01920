using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>A labelled row: its text, its words and one class index (0-based) per word.</summary>
internal sealed record TaggedText(string Text, EntityWord[] Words, int[] Classes);

/// <summary>
/// Reads a text column and a label column of one key per word into memory, checking every row: the label vector must
/// have one key per word (as <see cref="EntityWords"/> splits them), and no key may be missing.
/// </summary>
internal static class TaggedTexts
{
    /// <summary>The label names (key values) of the label column; throws naming it when it is not a vector of keys with text key values.</summary>
    public static string[] LabelNames(DataViewSchema schema, string labelColumn)
    {
        var names = EntityMetrics.KeyVector(schema, labelColumn).Names;
        if (names.Length < 2)
            throw new ArgumentOutOfRangeException(nameof(labelColumn),
                $"Label column '{labelColumn}' must have at least 2 labels (such as O and B-X); its key type has {names.Length}.");
        return names;
    }

    /// <summary>The rows with at least one word; rows with an empty text and an empty label vector are left out.</summary>
    public static List<TaggedText> Read(IDataView data, string textColumn, string labelColumn, int labelCount)
    {
        var text = ScoringSchema.CheckTextColumn(data.Schema, textColumn);
        var label = EntityMetrics.KeyVector(data.Schema, labelColumn).Column;
        if (label.Type is VectorDataViewType { ItemType: KeyDataViewType key } && (int)key.Count != labelCount)
            throw new ArgumentOutOfRangeException(nameof(labelColumn),
                $"Label column '{labelColumn}' has {key.Count} labels here but {labelCount} in the training data; map both with the same MapValueToKey.");
        var rows = new List<TaggedText>();
        using var cursor = data.GetRowCursor([text, label]);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        var getLabel = cursor.GetGetter<VBuffer<uint>>(label);
        ReadOnlyMemory<char> t = default;
        VBuffer<uint> l = default;
        while (cursor.MoveNext())
        {
            getText(ref t);
            getLabel(ref l);
            string s = t.ToString();
            var words = EntityWords.Split(s);
            var keys = l.DenseValues().ToArray();
            if (keys.Length != words.Length)
                throw new InvalidOperationException(
                    $"Row {cursor.Position} (0-based): label column '{labelColumn}' holds {keys.Length} labels but text column '{textColumn}' " +
                    $"has {words.Length} words; give one label per word (a word is a run of letters and digits, or one other non-space character).");
            if (Array.IndexOf(keys, 0u) is var missing and >= 0)
                throw new InvalidOperationException(
                    $"Row {cursor.Position} (0-based): label column '{labelColumn}' has a missing key for word {missing} ('{words[missing].Text}'); every word needs a label.");
            if (words.Length > 0)
                rows.Add(new TaggedText(s, words, keys.Select(k => (int)k - 1).ToArray()));
        }
        if (rows.Count == 0)
            throw new InvalidOperationException($"Text column '{textColumn}' has no row with a word to learn from.");
        return rows;
    }
}
