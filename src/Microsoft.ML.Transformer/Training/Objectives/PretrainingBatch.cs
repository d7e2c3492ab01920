using Microsoft.ML.Transformer.Batching;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// One training or scoring example of an objective, as token ids. <see cref="Labels"/> lines up with the decoder input
/// (encoder-decoder) or with <see cref="Input"/> (encoder-only, decoder-only) and holds
/// <see cref="TokenBatch.IgnoreIndex"/> where nothing is predicted.
/// </summary>
/// <param name="Row">The document (data-view row) the example comes from.</param>
/// <param name="Input">Encoder input, or the whole input of a single-stack model.</param>
/// <param name="Labels">The token to predict at each position, or <see cref="TokenBatch.IgnoreIndex"/>.</param>
/// <param name="DecoderInput">Decoder input of an encoder-decoder ([BOS] then the labels shifted right); else null.</param>
internal sealed record PretrainingExample(long Row, int[] Input, int[] Labels, int[]? DecoderInput = null)
{
    /// <summary>Positions with a label.</summary>
    public int Targets => Labels.Count(l => l != TokenBatch.IgnoreIndex);

    /// <summary>Padded cost of the example (both sides).</summary>
    public int Length => Input.Length + (DecoderInput?.Length ?? 0);
}

/// <summary>A padded batch of examples and the number of labelled positions in it (the loss is their mean).</summary>
/// <param name="Tokens">The tensors: Ids, PaddingMask, Labels, and for an encoder-decoder DecoderInput.</param>
/// <param name="Targets">Labelled positions, counted on the CPU so that the loop never waits for the device.</param>
/// <param name="InputPadded">Whether any row of <c>Ids</c> is padded (no mask is passed otherwise: a faster kernel).</param>
internal sealed record PretrainingBatch(TokenBatch Tokens, long Targets, bool InputPadded) : IDisposable
{
    public void Dispose() => Tokens.Dispose();
}
