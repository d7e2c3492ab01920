namespace Microsoft.ML.Transformer.Batching;

/// <summary>Cuts rows, in their order, into consecutive batches within a row budget and a token budget.</summary>
internal static class BatchCuts
{
    /// <summary>
    /// Groups of at most <paramref name="batchSize"/> rows whose padded size (rows × longest row) stays within
    /// <paramref name="maxTokensPerBatch"/> (0: no token budget); a row over the token budget goes alone.
    /// </summary>
    public static List<(int Start, int Count)> Cut<T>(T[] rows, Func<T, int> length, int batchSize, int maxTokensPerBatch)
    {
        var groups = new List<(int, int)>();
        int start = 0, longest = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            int n = i - start, len = Math.Max(longest, length(rows[i]));
            bool full = n == batchSize || (maxTokensPerBatch > 0 && n > 0 && (long)(n + 1) * len > maxTokensPerBatch);
            if (full)
            {
                groups.Add((start, n));
                start = i;
                len = length(rows[i]);
            }
            longest = len;
        }
        if (start < rows.Length) groups.Add((start, rows.Length - start));
        return groups;
    }
}
