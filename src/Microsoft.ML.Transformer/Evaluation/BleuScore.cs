namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>How BLEU treats an n-gram order without any match (which would otherwise make the score 0).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing: any order without a match gives BLEU 0. sacreBLEU's corpus-level setting here.</summary>
    None,

    /// <summary>NIST mteval's smoothing ("exp" in sacreBLEU, its sentence-level default): the k-th order without a
    /// match counts as precision 1 / (2^k · total).</summary>
    Exponential,

    /// <summary>An order without a match counts 0.1 matches ("floor" in sacreBLEU).</summary>
    Floor,

    /// <summary>Orders 2..4 get one extra match and one extra n-gram ("add-k" with k = 1 in sacreBLEU).</summary>
    AddOne,
}

/// <summary>A BLEU score and what it is made of, as sacreBLEU reports it.</summary>
public sealed class BleuScore
{
    /// <summary>BLEU on a 0–100 scale: BP · exp(mean of the log n-gram precisions).</summary>
    public required double Score { get; init; }

    /// <summary>The modified (clipped) n-gram precisions for n = 1..4, each 0–100.</summary>
    public required IReadOnlyList<double> Precisions { get; init; }

    /// <summary>Brevity penalty: 1 when the hypotheses are at least as long as the references, else exp(1 - r/h).</summary>
    public required double BrevityPenalty { get; init; }

    /// <summary>Total hypothesis length h in 13a tokens.</summary>
    public required long HypothesisLength { get; init; }

    /// <summary>Total effective reference length r: per sentence, the reference length closest to the hypothesis length
    /// (the shorter one on ties).</summary>
    public required long ReferenceLength { get; init; }

    /// <summary>h / r (0 when r is 0).</summary>
    public double Ratio => ReferenceLength == 0 ? 0 : (double)HypothesisLength / ReferenceLength;

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"BLEU = {Score:F2} {string.Join('/', Precisions.Select(p => p.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} (BP = {BrevityPenalty:F3} ratio = {Ratio:F3} hyp_len = {HypothesisLength} ref_len = {ReferenceLength})");
}
