namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>
/// Everything a Transformer entity tagger can be told. It reads a text and learns one label per word (words as
/// <see cref="EntityWords.Split"/> cuts them): the label column is a vector of keys, one per word, whose key values are
/// the labels (<c>O</c>, <c>B-X</c>, <c>I-X</c>...), as <c>MapValueToKey</c> makes from a vector of text; BIO and IO
/// labels both work (see <see cref="Evaluation.EntitySpans"/>). The tokenizer's MaxLength is the length of a window:
/// a longer text is read in several windows of whole words, never cut. The validation metric is entity F1. The
/// options it shares with the other heads on an encoder, and their defaults, are <see cref="EncoderHeadOptions"/>'s.
/// </summary>
public sealed class EntityTaggingOptions : EncoderHeadOptions
{
    internal override void Validate()
    {
        base.Validate();
        Require.That(Tokenizer.MaxLength >= 3, "Tokenizer.MaxLength", "at least 3 ([CLS], a word, [SEP])", Tokenizer.MaxLength);
    }
}
