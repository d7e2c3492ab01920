namespace Microsoft.ML.Transformer.Generation;

/// <summary>Why a row stopped growing.</summary>
internal enum FinishReason
{
    /// <summary>The model produced the end token (not included in the tokens).</summary>
    EndToken,

    /// <summary><see cref="DecodingOptions.MaxNewTokens"/> tokens were generated.</summary>
    MaxNewTokens,

    /// <summary>The decoded text came to contain one of <see cref="DecodingOptions.StopSequences"/>.</summary>
    StopSequence,
}

/// <summary>One generated row.</summary>
/// <param name="Tokens">The generated token ids, without the prefix and without the end token. After a stop sequence:
/// every token up to and including the one that completed it (so that <paramref name="LogProbability"/> still
/// describes exactly these tokens).</param>
/// <param name="LogProbability">Sum over the generated tokens (the end token included when produced) of the natural
/// log-probability under the model's own distribution, i.e. log-softmax of the raw logits: penalties, temperature,
/// top-k and top-p shape the choice but not this figure.</param>
/// <param name="Score">Beam search: the length-normalised ranking score (penalised log-probabilities divided by
/// length^<see cref="DecodingOptions.LengthPenalty"/>). Other strategies: equal to <paramref name="LogProbability"/>.</param>
/// <param name="FinishReason">Why the row stopped.</param>
/// <param name="Text">When a decode function was supplied: the decoded text, cut before the stop sequence when one
/// stopped the row; otherwise null.</param>
internal sealed record GeneratedSequence(long[] Tokens, double LogProbability, double Score, FinishReason FinishReason, string? Text);
