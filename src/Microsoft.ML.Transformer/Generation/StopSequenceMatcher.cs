namespace Microsoft.ML.Transformer.Generation;

/// <summary>Finds stop sequences in generated text, and how much of a text's end could still become one.</summary>
internal sealed class StopSequenceMatcher(IReadOnlyList<string> stops)
{
    /// <summary>True when there is nothing to look for.</summary>
    public bool IsEmpty => stops.Count == 0;

    /// <summary>The index of the earliest occurrence of any stop sequence, or -1.</summary>
    public int FindCut(string text)
    {
        int cut = -1;
        foreach (string stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
                cut = at;
        }
        return cut;
    }

    /// <summary>
    /// The length of the longest suffix of <paramref name="text"/> that is a proper prefix of a stop sequence: text a
    /// streamer must hold back, since the next token may complete the stop sequence and cut it away.
    /// </summary>
    public int HoldBack(string text)
    {
        int hold = 0;
        foreach (string stop in stops)
            for (int len = Math.Min(stop.Length - 1, text.Length); len > hold; len--)
                if (text.AsSpan(text.Length - len).SequenceEqual(stop.AsSpan(0, len)))
                {
                    hold = len;
                    break;
                }
        return hold;
    }
}
