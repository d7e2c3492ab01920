namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// Aggregates token-level negative log-likelihoods (natural log) into a loss and a perplexity: batches report their
/// summed NLL and token count, and the mean is taken over all tokens at the end, so batches of different sizes weigh
/// by their tokens, not equally.
/// </summary>
public sealed class LossAccumulator
{
    /// <summary>The summed negative log-likelihood so far, in nats.</summary>
    public double NegativeLogLikelihood { get; private set; }

    /// <summary>The number of tokens so far.</summary>
    public long TokenCount { get; private set; }

    /// <summary>Adds a batch.</summary>
    /// <param name="summedNegativeLogLikelihood">The sum over the batch's tokens of -log p(token), ≥ 0.</param>
    /// <param name="tokenCount">How many tokens that sum covers, ≥ 0.</param>
    public void Add(double summedNegativeLogLikelihood, long tokenCount)
    {
        if (!(summedNegativeLogLikelihood >= 0) || double.IsPositiveInfinity(summedNegativeLogLikelihood))
            throw new ArgumentOutOfRangeException(nameof(summedNegativeLogLikelihood), summedNegativeLogLikelihood, "Must be a finite number ≥ 0.");
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCount);
        NegativeLogLikelihood += summedNegativeLogLikelihood;
        TokenCount += tokenCount;
    }

    /// <summary>Mean negative log-likelihood per token (cross-entropy in nats). Needs at least one token.</summary>
    public double Loss => TokenCount > 0
        ? NegativeLogLikelihood / TokenCount
        : throw new InvalidOperationException("No tokens have been added: the loss is undefined.");

    /// <summary>exp(<see cref="Loss"/>).</summary>
    public double Perplexity => Math.Exp(Loss);
}
