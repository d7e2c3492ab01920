namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// The first (or last) ids of a text without encoding all of it: the text is read in pieces from the kept end, each
/// piece cut where whitespace follows a non-space, and pieces are encoded until enough ids are known. Every regex
/// pre-tokenizer of the library (GPT-2's pattern) ends a pre-token at such a point whatever follows, so the pieces'
/// ids are exactly the whole text's. A run of more than <see cref="LongestRun"/> characters without such a point is
/// cut at the end of a run of letters or digits, or else every <see cref="LongestRun"/> characters: BPE merging inside
/// one pre-token costs more than linear time, and only ids next to such a cut may differ from the whole text's. The
/// cost is linear in what is read.
/// </summary>
internal static class BoundedEncoding
{
    /// <summary>The longest stretch encoded as one piece when the text offers no cut point inside it.</summary>
    public const int LongestRun = 1024;

    /// <summary>Characters read per id still wanted: most texts spend fewer on an id, so one piece is usually enough.</summary>
    private const int CharactersPerId = 4;

    /// <summary>The first <paramref name="limit"/> ids of <paramref name="encode"/>(text), or all of them when fewer.</summary>
    public static int[] Head(string text, int limit, Func<string, int[]> encode)
    {
        if (limit <= 0 || text.Length == 0) return [];
        var ids = new List<int>(Math.Min(limit, 1024));
        int pos = 0;
        while (ids.Count < limit && pos < text.Length)
        {
            int end = HeadPieceEnd(text, pos, Want(limit - ids.Count));
            ids.AddRange(encode(text[pos..end]));
            pos = end;
        }
        return ids.Count <= limit ? [.. ids] : ids.GetRange(0, limit).ToArray();
    }

    /// <summary>The last <paramref name="limit"/> ids of <paramref name="encode"/>(text), or all of them when fewer.</summary>
    public static int[] Tail(string text, int limit, Func<string, int[]> encode)
    {
        if (limit <= 0 || text.Length == 0) return [];
        var pieces = new List<int[]>();
        int count = 0, pos = text.Length;
        while (count < limit && pos > 0)
        {
            int start = TailPieceStart(text, pos, Want(limit - count));
            int[] piece = encode(text[start..pos]);
            pieces.Add(piece);
            count += piece.Length;
            pos = start;
        }
        var ids = new int[Math.Min(limit, count)];
        int at = ids.Length;
        foreach (int[] piece in pieces)
        {
            int take = Math.Min(piece.Length, at);
            piece.AsSpan(piece.Length - take).CopyTo(ids.AsSpan(at - take));
            at -= take;
            if (at == 0) break;
        }
        return ids;
    }

    private static int Want(int ids) => (int)Math.Min(LongestRun, Math.Max(64L, (long)ids * CharactersPerId));

    /// <summary>
    /// Whitespace after a non-space: a pre-token of the library's regex pre-tokenizers ends here whatever comes before
    /// or after, as no pattern carries a non-space into whitespace.
    /// </summary>
    private static bool IsCut(string text, int i) => i > 0 && i < text.Length && char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]);

    /// <summary>
    /// A weaker cut point, used only where a run longer than <see cref="LongestRun"/> has no <see cref="IsCut"/>: the
    /// end of a run of letters or of digits, except before '|' (which would split a special token such as GPT-2's
    /// &lt;|endoftext|&gt;).
    /// </summary>
    private static bool IsWeakCut(string text, int i)
    {
        if (i <= 0 || i >= text.Length || text[i] == '|') return false;
        char before = text[i - 1], at = text[i];
        return (char.IsLetter(before) && !char.IsLetter(at)) || (char.IsNumber(before) && !char.IsNumber(at));
    }

    /// <summary>The end of the piece from <paramref name="pos"/>: the last cut point within <paramref name="want"/> characters, else the first one within <see cref="LongestRun"/>, else a forced cut.</summary>
    private static int HeadPieceEnd(string text, int pos, int want)
    {
        if (text.Length - pos <= want) return text.Length;
        for (int i = pos + want; i > pos; i--)
            if (IsCut(text, i)) return i;
        int far = (int)Math.Min(text.Length, (long)pos + LongestRun);
        for (int i = pos + want + 1; i < far; i++)
            if (IsCut(text, i)) return i;
        if (far == text.Length) return far;
        for (int i = far - 1; i > pos + want; i--)
            if (IsWeakCut(text, i)) return i;
        // A forced cut never splits a surrogate pair (each half alone would become U+FFFD).
        return char.IsHighSurrogate(text[far - 1]) && char.IsLowSurrogate(text[far]) ? far - 1 : far;
    }

    /// <summary>The start of the piece ending at <paramref name="pos"/>, the mirror of <see cref="HeadPieceEnd"/>.</summary>
    private static int TailPieceStart(string text, int pos, int want)
    {
        if (pos <= want) return 0;
        for (int i = pos - want; i < pos; i++)
            if (IsCut(text, i)) return i;
        int far = Math.Max(0, pos - LongestRun);
        for (int i = pos - want - 1; i > far; i--)
            if (IsCut(text, i)) return i;
        if (far == 0) return 0;
        for (int i = far + 1; i < pos - want; i++)
            if (IsWeakCut(text, i)) return i;
        return char.IsLowSurrogate(text[far]) && char.IsHighSurrogate(text[far - 1]) ? far + 1 : far;
    }
}
