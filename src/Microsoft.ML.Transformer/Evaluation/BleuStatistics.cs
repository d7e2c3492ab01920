namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// Sufficient statistics of BLEU (Papineni et al. 2002) accumulated sentence by sentence: for n = 1..4 the clipped
/// n-gram matches and the hypothesis n-gram count, plus the hypothesis and closest-reference lengths. A corpus score
/// sums them over all sentences before combining (it is not a mean of sentence scores).
/// </summary>
internal sealed class BleuStatistics
{
    public const int MaxOrder = 4;
    private readonly long[] _matches = new long[MaxOrder];
    private readonly long[] _totals = new long[MaxOrder];
    private long _hypothesisLength, _referenceLength;

    /// <summary>Adds one sentence. Empty references are left out (sacreBLEU's variable number of references).</summary>
    public void Add(string hypothesis, IReadOnlyList<string> references)
    {
        string[] hyp = Tokenizer13a.Tokenize(hypothesis);
        var refs = references.Where(r => r.Length > 0).Select(Tokenizer13a.Tokenize).ToList();

        _hypothesisLength += hyp.Length;
        _referenceLength += ClosestLength(hyp.Length, refs.Select(r => r.Length));
        for (int n = 1; n <= MaxOrder; n++)
        {
            var hypCounts = NGrams.Count(hyp, n);
            // A hypothesis n-gram is credited at most as often as it occurs in any single reference.
            var maxRefCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var r in refs)
                foreach (var (gram, count) in NGrams.Count(r, n))
                    maxRefCounts[gram] = Math.Max(count, maxRefCounts.GetValueOrDefault(gram));
            _matches[n - 1] += hypCounts.Sum(kv => Math.Min(kv.Value, maxRefCounts.GetValueOrDefault(kv.Key)));
            _totals[n - 1] += Math.Max(0, hyp.Length - n + 1);
        }
    }

    /// <summary>The reference length closest to the hypothesis length, the shorter on ties; 0 without references.</summary>
    public static int ClosestLength(int hypothesisLength, IEnumerable<int> referenceLengths) =>
        referenceLengths.OrderBy(r => Math.Abs(r - hypothesisLength)).ThenBy(r => r).DefaultIfEmpty(0).First();

    /// <param name="smoothing">What an order without any match counts as.</param>
    /// <param name="effectiveOrder">Average only over the orders the hypotheses are long enough to have (sentence BLEU of
    /// short sentences); otherwise always over 4 orders.</param>
    public BleuScore Compute(BleuSmoothing smoothing, bool effectiveOrder)
    {
        var precisions = new double[MaxOrder];
        int orders = MaxOrder;
        double exponentialFactor = 1;
        for (int n = 1; n <= MaxOrder; n++)
        {
            double matches = _matches[n - 1], totals = _totals[n - 1];
            if (smoothing == BleuSmoothing.AddOne && n > 1)
            {
                matches += 1;
                totals += 1;
            }
            if (totals == 0)
                break;   // hypotheses too short for this order (and every higher one)
            if (effectiveOrder)
                orders = n;
            if (matches > 0)
                precisions[n - 1] = 100 * matches / totals;
            else if (smoothing == BleuSmoothing.Exponential)
            {
                exponentialFactor *= 2;
                precisions[n - 1] = 100 / (exponentialFactor * totals);
            }
            else if (smoothing == BleuSmoothing.Floor)
                precisions[n - 1] = 100 * 0.1 / totals;
        }

        // A zero precision makes the geometric mean 0 (log 0 = -inf).
        double meanLog = precisions.Take(orders).Select(p => p > 0 ? Math.Log(p) : double.NegativeInfinity).Average();
        double brevity = _hypothesisLength >= _referenceLength ? 1
            : _hypothesisLength == 0 ? 0 : Math.Exp(1 - (double)_referenceLength / _hypothesisLength);
        return new BleuScore
        {
            Score = brevity * Math.Exp(meanLog),
            Precisions = precisions,
            BrevityPenalty = brevity,
            HypothesisLength = _hypothesisLength,
            ReferenceLength = _referenceLength,
        };
    }
}
