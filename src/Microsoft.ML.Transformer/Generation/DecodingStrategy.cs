namespace Microsoft.ML.Transformer.Generation;

/// <summary>How the next token is chosen at each generation step.</summary>
public enum DecodingStrategy
{
    /// <summary>Always the most probable next token (after penalties). Deterministic.</summary>
    Greedy,

    /// <summary>Beam search: keeps the <see cref="DecodingOptions.BeamWidth"/> best partial sequences per source
    /// and returns the best finished one under <see cref="DecodingOptions.LengthPenalty"/>. Deterministic.</summary>
    Beam,

    /// <summary>Draws the next token at random from the model's distribution, shaped by
    /// <see cref="DecodingOptions.Temperature"/>, <see cref="DecodingOptions.TopK"/> and <see cref="DecodingOptions.TopP"/>.</summary>
    Sampling,
}
