namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>What a network learns from unlabelled text.</summary>
public enum PretrainingObjective
{
    /// <summary>
    /// Chosen by the model's shape: <see cref="SpanCorruption"/> for an encoder-decoder, <see cref="CausalLanguageModel"/>
    /// for a decoder-only model, <see cref="MaskedLanguageModel"/> for an encoder-only model.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// Denoising (T5): random spans of the text are replaced by sentinel tokens in the encoder input, and the decoder
    /// writes out the spans, each after its sentinel. Needs an encoder-decoder.
    /// </summary>
    SpanCorruption = 1,

    /// <summary>
    /// Next-token prediction (GPT) over packed streams: documents are joined with an end token and cut into full
    /// blocks, so no compute is spent on padding. Needs a decoder-only model.
    /// </summary>
    CausalLanguageModel = 2,

    /// <summary>
    /// Masked language modelling (BERT): a share of the tokens is chosen; of those 80% become a mask token, 10% a random
    /// token and 10% stay; the encoder predicts the originals. Needs an encoder-only model.
    /// </summary>
    MaskedLanguageModel = 3,
}
