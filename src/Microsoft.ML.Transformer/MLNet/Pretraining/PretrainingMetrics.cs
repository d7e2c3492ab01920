namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>How well a pretrained network predicts a set of held-out texts under its objective.</summary>
/// <param name="Loss">Mean negative log-likelihood per predicted token, in nats (the cross-entropy).</param>
/// <param name="Perplexity">exp(<paramref name="Loss"/>).</param>
/// <param name="BitsPerCharacter">
/// For a causal LM: the texts' total negative log-likelihood in bits over their characters (Unicode scalar values,
/// plus one for the end token that closes each text), comparable across tokenizers; with a byte-level tokenizer on
/// ASCII text it is <paramref name="Loss"/> / ln 2. Null for the other objectives, which predict only part of the text.
/// </param>
/// <param name="Tokens">Predicted tokens the loss is over.</param>
/// <param name="Texts">Texts that had at least one token.</param>
public sealed record PretrainingMetrics(double Loss, double Perplexity, double? BitsPerCharacter, long Tokens, long Texts);
