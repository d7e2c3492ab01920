namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>An entity found in a sequence of word labels: its first word, its word count and its type.</summary>
/// <param name="FirstWord">The 0-based index of its first word.</param>
/// <param name="WordCount">How many words it covers (at least 1).</param>
/// <param name="Type">Its type: the label without its <c>B-</c>/<c>I-</c> prefix.</param>
public readonly record struct EntityChunk(int FirstWord, int WordCount, string Type);

/// <summary>
/// Reads entities out of per-word labels the way CoNLL's scoring script does, so that BIO and IO tagging both work:
/// <c>O</c> is outside any entity; <c>B-X</c> starts an entity of type X; <c>I-X</c> continues an entity of type X
/// and starts one when the word before is outside or of another type; any other label X is read as <c>I-X</c>.
/// Under IO tagging two entities of one type that touch become one, as IO cannot tell them apart.
/// </summary>
public static class EntitySpans
{
    /// <summary>The label of a word outside every entity.</summary>
    public const string Outside = "O";

    /// <summary>The entities of one sequence of labels, in order.</summary>
    /// <param name="labels">One label per word.</param>
    public static IReadOnlyList<EntityChunk> Chunks(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var chunks = new List<EntityChunk>();
        string? type = null;
        int start = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            var (begins, current) = Parse(labels[i]);
            if (current is not null && !begins && current == type)
                continue;
            if (type is not null)
                chunks.Add(new EntityChunk(start, i - start, type));
            (type, start) = (current, i);
        }
        if (type is not null)
            chunks.Add(new EntityChunk(start, labels.Count - start, type));
        return chunks;
    }

    /// <summary>Whether a label begins an entity (<c>B-</c>), and its entity type (null for <c>O</c>).</summary>
    public static (bool Begins, string? Type) Parse(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (label == Outside) return (false, null);
        if (label.Length > 2 && label[1] == '-' && label[0] is 'B' or 'I')
            return (label[0] == 'B', label[2..]);
        return (false, label);
    }
}
