using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// The transformations applied to next-token logits [N, V] before a token is chosen. Each returns a new tensor (or the
/// input unchanged when turned off); none keeps references, so everything lives in the caller's dispose scope.
/// </summary>
internal static class LogitsProcessing
{
    /// <summary>Penalties, every strategy: repetition penalty, then n-gram bans.</summary>
    /// <param name="logits">[N, V].</param>
    /// <param name="histories">N rows of prefix + generated tokens.</param>
    /// <param name="options">Where the penalty settings come from.</param>
    public static Tensor ApplyPenalties(Tensor logits, IReadOnlyList<List<long>> histories, DecodingOptions options)
    {
        logits = RepetitionPenalty(logits, histories, options.RepetitionPenalty);
        return BanRepeatedNgrams(logits, histories, options.NoRepeatNgramSize);
    }

    /// <summary>
    /// The index of each row's largest logit, [N, V] → [N] int64: greedy decoding's choice. Computed with max(dim),
    /// which libtorch's CPU kernels run faster than argmax (docs/RESULTS.md, "Figures behind code choices").
    /// </summary>
    public static Tensor Greedy(Tensor logits) => logits.max(-1).indexes;

    /// <summary><see cref="Greedy"/>'s choices as token ids on the CPU: [N, V] → N ids.</summary>
    public static long[] GreedyTokens(Tensor logits) => Greedy(logits).cpu().data<long>().ToArray();

    /// <summary>Sampling only: temperature, then top-k, then top-p. Temperature must be &gt; 0 here.</summary>
    public static Tensor ApplySamplingFilters(Tensor logits, DecodingOptions options)
    {
        if (options.Temperature != 1.0)
            logits = logits.DividedBy(options.Temperature);
        logits = TopK(logits, options.TopK);
        return TopP(logits, options.TopP);
    }

    /// <summary>CTRL's penalty: z/θ for z &gt; 0, z·θ otherwise, once per distinct token seen in the row.</summary>
    public static Tensor RepetitionPenalty(Tensor logits, IReadOnlyList<List<long>> histories, double penalty)
    {
        if (penalty == 1.0)
            return logits;
        var (rows, cols) = DistinctTokens(histories);
        if (rows.Length == 0)
            return logits;
        using var r = tensor(rows, device: logits.device);
        using var c = tensor(cols, device: logits.device);
        var seen = logits.index(r, c);                                              // [M]
        var penalised = where(seen.gt(Scalars.Zero), seen.DividedBy(penalty), seen.Times(penalty)); // [M]
        return logits.clone().index_put_(penalised, r, c);
    }

    /// <summary>Sets to -inf every token that would complete an n-gram already present in the row.</summary>
    public static Tensor BanRepeatedNgrams(Tensor logits, IReadOnlyList<List<long>> histories, int n)
    {
        if (n <= 0)
            return logits;
        var rows = new List<long>();
        var cols = new List<long>();
        for (int i = 0; i < histories.Count; i++)
            foreach (long banned in BannedTokens(histories[i], n))
            {
                rows.Add(i);
                cols.Add(banned);
            }
        if (rows.Count == 0)
            return logits;
        using var r = tensor(rows.ToArray(), device: logits.device);
        using var c = tensor(cols.ToArray(), device: logits.device);
        using var minusInf = tensor(float.NegativeInfinity, dtype: logits.dtype, device: logits.device);
        return logits.clone().index_put_(minusInf, r, c);
    }

    /// <summary>The tokens t such that (last n-1 tokens, t) already occurs in the sequence. n = 1 bans every seen token.</summary>
    public static HashSet<long> BannedTokens(List<long> sequence, int n)
    {
        var banned = new HashSet<long>();
        int len = sequence.Count;
        if (len < n - 1)
            return banned;
        // The (n-1)-token context the next token would extend; compare it against every earlier n-gram's head.
        int contextStart = len - (n - 1);
        for (int start = 0; start + n <= len; start++)
        {
            bool same = true;
            for (int j = 0; j < n - 1 && same; j++)
                same = sequence[start + j] == sequence[contextStart + j];
            if (same)
                banned.Add(sequence[start + n - 1]);
        }
        return banned;
    }

    /// <summary>Keeps the k largest logits per row (ties with the k-th all kept); k ≤ 0 or ≥ V is a no-op.</summary>
    public static Tensor TopK(Tensor logits, int k)
    {
        long vocab = logits.shape[^1];
        if (k <= 0 || k >= vocab)
            return logits;
        var kth = logits.topk(k, dim: -1).values[.., (k - 1)..k];                  // [N, 1]
        return logits.FilledWhere(logits < kth, Scalars.NegativeInfinity);
    }

    /// <summary>
    /// Nucleus filter: per row, keeps the smallest set of most probable tokens whose probabilities sum to ≥ p. A token
    /// is kept when the mass strictly before it (in descending order) is still below p, so the top token always stays.
    /// </summary>
    public static Tensor TopP(Tensor logits, double p)
    {
        if (p >= 1.0)
            return logits;
        var (sorted, order) = logits.sort(dim: -1, descending: true);              // [N, V] each
        var probs = sorted.softmax(-1);
        var massBefore = probs.cumsum(-1) - probs;                                 // exclusive prefix sums
        var dropSorted = Scalars.With(p, massBefore.ge);                            // [N, V] bool, in sorted order
        var drop = dropSorted.scatter(-1, order, dropSorted);                      // back to vocabulary order
        return logits.FilledWhere(drop, Scalars.NegativeInfinity);
    }

    private static (long[] Rows, long[] Cols) DistinctTokens(IReadOnlyList<List<long>> histories)
    {
        var rows = new List<long>();
        var cols = new List<long>();
        for (int i = 0; i < histories.Count; i++)
            foreach (long token in new HashSet<long>(histories[i]))
            {
                rows.Add(i);
                cols.Add(token);
            }
        return (rows.ToArray(), cols.ToArray());
    }
}
