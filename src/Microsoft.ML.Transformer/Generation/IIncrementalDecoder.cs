using TorchSharp;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// What generation needs from a model: one token in, next-token logits out, with the model keeping whatever it needs
/// (a key/value cache, encoder memory, masks) per row. The caller prefills the prompt before generation starts: the
/// decoder must already hold every prefix token except the last, which the generator feeds at the first step.
/// </summary>
/// <remarks>
/// The generator calls <see cref="Step"/> and <see cref="Reorder"/> inside <c>torch.NewDisposeScope()</c>: state that
/// must outlive the call (the new cache) has to be detached from that scope by the decoder (e.g.
/// <c>DetachFromDisposeScope()</c> or <c>MoveToOuterDisposeScope()</c>), and the decoder disposes the state it replaces.
/// </remarks>
internal interface IIncrementalDecoder
{
    /// <summary>The number of rows the decoder currently holds.</summary>
    int BatchSize { get; }

    /// <summary>Appends one token per row and returns the logits of the next position.</summary>
    /// <param name="lastTokens">[B] int64, the most recent token of each row.</param>
    /// <returns>[B, V] float32 logits for the next token of each row.</returns>
    torch.Tensor Step(torch.Tensor lastTokens);

    /// <summary>
    /// Appends one token per row and returns each row's greedy next token: the argmax of the logits <see cref="Step"/>
    /// would return, the lowest id on a tie. A decoder may find it without computing every logit.
    /// </summary>
    /// <param name="lastTokens">[B] int64, the most recent token of each row.</param>
    long[] StepGreedy(torch.Tensor lastTokens) => LogitsProcessing.GreedyTokens(Step(lastTokens));

    /// <summary>
    /// Replaces the rows by the given ones, in the given order: row i afterwards is row <c>batchIndices[i]</c> before.
    /// Rows may be repeated (beam expansion) or left out (pruned beams, finished rows); B becomes B'.
    /// </summary>
    /// <param name="batchIndices">[B'] int64, indices into the current rows.</param>
    /// <param name="sourcesUnchanged">
    /// True when row i afterwards comes from a row of the same source as row i before (beam search permuting the beams
    /// of sources that all go on): state shared by a source's rows, such as the encoder's keys and values, may stay.
    /// </param>
    void Reorder(torch.Tensor batchIndices, bool sourcesUnchanged = false);
}
