namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Turns successive decodings of a growing token sequence into pieces of text, emitting only what can no longer change:
/// a trailing U+FFFD (the start of a UTF-8 character whose remaining bytes are still to come) or a trailing high
/// surrogate is held back, and so is any ending that could still grow into a stop sequence (which would cut it away).
/// Assumes, as byte-level BPE decoding guarantees, that decoding a longer sequence extends the text of a shorter one
/// apart from such incomplete trailing characters.
/// </summary>
internal sealed class TextStreamer(StopSequenceMatcher stops)
{
    private int _emitted;   // characters of the text already handed out

    /// <summary>The newly stable piece of <paramref name="text"/> (possibly empty).</summary>
    /// <param name="text">The decoding of every token generated so far (cut at a stop sequence when final).</param>
    /// <param name="final">True for the last call: everything left is emitted.</param>
    public string Next(string text, bool final)
    {
        int end = text.Length;
        if (!final)
        {
            while (end > _emitted && (text[end - 1] == '\uFFFD' || char.IsHighSurrogate(text[end - 1])))
                end--;
            end -= stops.HoldBack(text[..end]);   // the incomplete character may be the next letter of a stop sequence
        }
        if (end <= _emitted)
            return "";
        string piece = text[_emitted..end];
        _emitted = end;
        return piece;
    }
}
