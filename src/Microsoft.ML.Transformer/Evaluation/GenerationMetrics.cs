namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// Metrics of generated text over rows of (hypothesis, references). BLEU and chrF follow sacreBLEU's defaults so that
/// figures are comparable with published ones; see each method for the details. Every score is on a 0–100 scale.
/// </summary>
/// <remarks>
/// Every row needs at least one reference. BLEU and chrF leave out empty references (sacreBLEU's way of giving rows
/// different numbers of references); ROUGE-L and exact match keep them (an empty hypothesis then matches exactly).
/// An empty corpus is an error rather than a score.
/// </remarks>
public static class GenerationMetrics
{
    /// <summary>Every metric in one pass over the rows.</summary>
    /// <param name="rows">(hypothesis, references) pairs; enumerated once.</param>
    /// <param name="ignoreCaseInExactMatch">Compare case-insensitively (ordinal) in <see cref="TextGenerationMetrics.ExactMatch"/>.</param>
    /// <param name="loss">Token losses measured by the model, reported as <see cref="TextGenerationMetrics.Loss"/> and
    /// <see cref="TextGenerationMetrics.Perplexity"/> when it holds tokens.</param>
    public static TextGenerationMetrics Evaluate(IEnumerable<(string Hypothesis, IReadOnlyList<string> References)> rows,
        bool ignoreCaseInExactMatch = false, LossAccumulator? loss = null)
    {
        var bleu = new BleuStatistics();
        var chrF = new ChrFStatistics();
        double rouge = 0, exact = 0;
        long count = ForEachRow(rows, (hypothesis, references) =>
        {
            bleu.Add(hypothesis, references);
            chrF.Add(hypothesis, references);
            rouge += Evaluation.RougeL.F1(hypothesis, references);
            exact += IsExactMatch(hypothesis, references, ignoreCaseInExactMatch) ? 1 : 0;
        });
        bool hasLoss = loss is { TokenCount: > 0 };
        return new TextGenerationMetrics
        {
            Count = count,
            BleuDetails = bleu.Compute(BleuSmoothing.None, effectiveOrder: false),
            ChrF = chrF.Score,
            RougeL = 100 * rouge / count,
            ExactMatch = 100 * exact / count,
            Loss = hasLoss ? loss!.Loss : null,
            Perplexity = hasLoss ? loss!.Perplexity : null,
        };
    }

    /// <summary>
    /// Corpus BLEU (Papineni et al. 2002) as sacreBLEU computes it by default: 13a tokenisation, case kept, n-grams up
    /// to 4, each hypothesis n-gram credited at most as often as it occurs in a single reference, matches and counts
    /// summed over the corpus, brevity penalty against the sum of the per-sentence reference lengths closest to the
    /// hypothesis lengths.
    /// </summary>
    /// <param name="rows">(hypothesis, references) pairs.</param>
    /// <param name="smoothing">Default <see cref="BleuSmoothing.None"/> (sacreBLEU's corpus default).</param>
    public static BleuScore CorpusBleu(IEnumerable<(string Hypothesis, IReadOnlyList<string> References)> rows,
        BleuSmoothing smoothing = BleuSmoothing.None)
    {
        var bleu = new BleuStatistics();
        ForEachRow(rows, bleu.Add);
        return bleu.Compute(smoothing, effectiveOrder: false);
    }

    /// <summary>
    /// BLEU of one sentence as sacreBLEU's <c>sentence_bleu</c>: smoothed (by default <see cref="BleuSmoothing.Exponential"/>)
    /// and averaged over the orders the hypothesis is long enough to have.
    /// </summary>
    public static BleuScore SentenceBleu(string hypothesis, IReadOnlyList<string> references,
        BleuSmoothing smoothing = BleuSmoothing.Exponential)
    {
        var bleu = new BleuStatistics();
        ForEachRow([(hypothesis, references)], bleu.Add);
        return bleu.Compute(smoothing, effectiveOrder: true);
    }

    /// <summary>Corpus chrF with sacreBLEU's defaults (see <see cref="TextGenerationMetrics.ChrF"/>): statistics of the
    /// best reference per sentence, summed over the corpus.</summary>
    public static double CorpusChrF(IEnumerable<(string Hypothesis, IReadOnlyList<string> References)> rows)
    {
        var chrF = new ChrFStatistics();
        ForEachRow(rows, chrF.Add);
        return chrF.Score;
    }

    /// <summary>chrF of one sentence against its best reference.</summary>
    public static double SentenceChrF(string hypothesis, IReadOnlyList<string> references) =>
        CorpusChrF([(hypothesis, references)]);

    /// <summary>Mean over rows of the ROUGE-L F1 (longest common subsequence of lowercased word tokens) against the
    /// best-matching reference, ×100.</summary>
    public static double RougeL(IEnumerable<(string Hypothesis, IReadOnlyList<string> References)> rows)
    {
        double sum = 0;
        long count = ForEachRow(rows, (h, r) => sum += Evaluation.RougeL.F1(h, r));
        return 100 * sum / count;
    }

    /// <summary>Percentage of rows whose hypothesis, trimmed, equals one of its references, trimmed.</summary>
    /// <param name="rows">(hypothesis, references) pairs.</param>
    /// <param name="ignoreCase">Compare with <see cref="StringComparison.OrdinalIgnoreCase"/> instead of ordinal.</param>
    public static double ExactMatch(IEnumerable<(string Hypothesis, IReadOnlyList<string> References)> rows, bool ignoreCase = false)
    {
        double matches = 0;
        long count = ForEachRow(rows, (h, r) => matches += IsExactMatch(h, r, ignoreCase) ? 1 : 0);
        return 100 * matches / count;
    }

    /// <summary>The 13a tokens of a line (mteval-v13a.pl, sacreBLEU's default BLEU tokenisation).</summary>
    public static IReadOnlyList<string> Tokenize13a(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return Tokenizer13a.Tokenize(line);
    }

    private static bool IsExactMatch(string hypothesis, IReadOnlyList<string> references, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return references.Any(r => string.Equals(hypothesis.Trim(), r.Trim(), comparison));
    }

    /// <summary>Checks and visits every row; returns how many there were.</summary>
    private static long ForEachRow(IEnumerable<(string Hypothesis, IReadOnlyList<string> References)> rows, Action<string, IReadOnlyList<string>> visit)
    {
        ArgumentNullException.ThrowIfNull(rows);
        long count = 0;
        foreach (var (hypothesis, references) in rows)
        {
            if (hypothesis is null)
                throw new ArgumentException($"Row {count}: the hypothesis is null (use an empty string for no output).", nameof(rows));
            if (references is null || references.Count == 0)
                throw new ArgumentException($"Row {count}: at least one reference is needed.", nameof(rows));
            if (references.Any(r => r is null))
                throw new ArgumentException($"Row {count}: a reference is null.", nameof(rows));
            visit(hypothesis, references);
            count++;
        }
        if (count == 0)
            throw new ArgumentException("The corpus is empty: at least one (hypothesis, references) row is needed.", nameof(rows));
        return count;
    }
}
