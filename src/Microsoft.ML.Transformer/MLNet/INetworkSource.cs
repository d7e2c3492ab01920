using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// A fitted component whose network and tokenizer another component can start from (fine-tuning) or read
/// (embeddings, attention maps).
/// </summary>
internal interface INetworkSource
{
    EncoderDecoderModel Network { get; }

    TextTokenizer Tokenizer { get; }

    /// <summary>
    /// How the component frames one text for its network, so that a reader feeds the network what it was trained on:
    /// <see cref="BatchLayout.Single"/> is <c>[CLS] text [SEP]</c>; <see cref="BatchLayout.Seq2Seq"/> is
    /// <c>text [EOS]</c> (the encoder input of a sequence-to-sequence model, one document of a language-model stream).
    /// The default follows the network's shape: an encoder-only network reads <c>[CLS] text [SEP]</c>, any other
    /// <c>text [EOS]</c>. A component that frames text differently overrides it.
    /// </summary>
    BatchLayout InputLayout => Network.HasEncoder && !Network.HasDecoder ? BatchLayout.Single : BatchLayout.Seq2Seq;
}
