namespace Microsoft.ML.Transformer.Generation;

/// <summary>The best finished sequences of one source, at most <c>width</c> of them, ranked by length-normalised score.</summary>
internal sealed class BeamHypotheses(int width, double lengthPenalty)
{
    private readonly List<GeneratedSequence> _kept = [];

    /// <summary>How many finished sequences are kept.</summary>
    public int Count => _kept.Count;

    /// <summary>The best finished sequence, or null when none has finished.</summary>
    public GeneratedSequence? Best => _kept.Count == 0 ? null : _kept[0];

    /// <summary>S / L^α (α = <paramref name="lengthPenalty"/>): the ranking score of L generated tokens (end token counted) with summed log-probability S.</summary>
    public static double Normalise(double sum, int length, double lengthPenalty) => sum / Math.Pow(length, lengthPenalty);

    /// <summary>Offers a finished sequence; kept only while among the best <c>width</c>.</summary>
    public void Add(GeneratedSequence candidate)
    {
        if (_kept.Count == width && candidate.Score <= _kept[^1].Score)
            return;
        // Insert after equal scores: the earlier (higher-ranked at its step) sequence wins ties.
        int at = _kept.FindIndex(h => h.Score < candidate.Score);
        _kept.Insert(at < 0 ? _kept.Count : at, candidate);
        if (_kept.Count > width)
            _kept.RemoveAt(_kept.Count - 1);
    }

    /// <summary>
    /// Whether searching on can no longer change the kept set. Log-probabilities are ≤ 0, so a running sequence's sum
    /// only falls; its best reachable score over lengths in (current, maxLength] is sum / maxLength^α when α &gt; 0 and
    /// sum / (current+1)^α otherwise.
    /// </summary>
    /// <param name="bestRunningSum">The highest summed (penalised) log-probability among running sequences.</param>
    /// <param name="currentLength">Tokens generated so far by the running sequences.</param>
    /// <param name="maxLength">The most tokens a sequence may reach.</param>
    /// <param name="earlyStopping">Stop as soon as <c>width</c> sequences are kept.</param>
    public bool IsDone(double bestRunningSum, int currentLength, int maxLength, bool earlyStopping)
    {
        if (_kept.Count < width)
            return false;
        if (earlyStopping)
            return true;
        int bestLength = lengthPenalty > 0 ? maxLength : currentLength + 1;
        return Normalise(bestRunningSum, bestLength, lengthPenalty) <= _kept[^1].Score;
    }
}
