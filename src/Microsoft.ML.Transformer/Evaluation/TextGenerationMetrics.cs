namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// Quality of generated text against references, every score on a 0–100 scale (higher is better). Produced by
/// <see cref="GenerationMetrics.Evaluate"/>.
/// </summary>
public sealed class TextGenerationMetrics
{
    /// <summary>The number of (hypothesis, references) rows evaluated.</summary>
    public required long Count { get; init; }

    /// <summary>Corpus BLEU with 13a tokenisation and no smoothing, as sacreBLEU computes it by default.</summary>
    public double Bleu => BleuDetails.Score;

    /// <summary>What <see cref="Bleu"/> is made of: n-gram precisions, brevity penalty, lengths.</summary>
    public required BleuScore BleuDetails { get; init; }

    /// <summary>Corpus chrF (character 6-grams, β = 2, whitespace removed), as sacreBLEU computes it by default.</summary>
    public required double ChrF { get; init; }

    /// <summary>Mean over rows of the ROUGE-L F1 against the best-matching reference, ×100.</summary>
    public required double RougeL { get; init; }

    /// <summary>Percentage of rows whose trimmed hypothesis equals one of the trimmed references.</summary>
    public required double ExactMatch { get; init; }

    /// <summary>Mean token negative log-likelihood (nats) when the model's loss was measured; otherwise null.</summary>
    public double? Loss { get; init; }

    /// <summary>exp(<see cref="Loss"/>) when the loss was measured; otherwise null.</summary>
    public double? Perplexity { get; init; }
}
