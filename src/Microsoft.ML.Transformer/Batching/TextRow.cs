namespace Microsoft.ML.Transformer.Batching;

/// <summary>One row of input: its text (and second text), its index and its label.</summary>
/// <param name="Row">0-based position of the row in the data view (puts inference results back in order).</param>
/// <param name="Text">The text column.</param>
/// <param name="Second">The second text column (pair input, or the target of a sequence-to-sequence task), if any.</param>
/// <param name="Label">The label as a class index (key labels are 0-based here; a missing key is -1); 0 without labels.</param>
internal readonly record struct TextRow(long Row, string Text, string? Second = null, long Label = 0);
