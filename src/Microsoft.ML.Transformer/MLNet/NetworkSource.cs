using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// The network of a fitted component, its tokenizer and how it frames a text: what the component scores with and
/// saves, and what another component starts from (fine-tuning) or reads (embeddings, attention maps).
/// </summary>
internal sealed class NetworkSource
{
    /// <param name="network">The encoder-decoder network.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="weights">The module the component computes with and saves: the network when null, or a model around
    /// it (with its head).</param>
    /// <param name="inputLayout">How the component frames one text; default from the network's shape (see <see cref="InputLayout"/>).</param>
    public NetworkSource(TextNetwork network, TextTokenizer tokenizer, torch.nn.Module? weights = null, BatchLayout? inputLayout = null)
    {
        (Network, Tokenizer, Weights) = (network, tokenizer, weights ?? network);
        InputLayout = inputLayout ?? (network.HasEncoder && !network.HasDecoder ? BatchLayout.Single : BatchLayout.Seq2Seq);
    }

    /// <summary>The encoder-decoder network (for a model with a head, its body).</summary>
    public TextNetwork Network { get; }

    /// <summary>The tokenizer the network was trained with.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>The module the component computes with and whose weights it saves: the network, or a model around it.</summary>
    public torch.nn.Module Weights { get; }

    /// <summary>
    /// How the component frames one text for its network, so that a reader feeds the network what it was trained on:
    /// <see cref="BatchLayout.Single"/> is <c>[CLS] text [SEP]</c>; <see cref="BatchLayout.Seq2Seq"/> is
    /// <c>text [EOS]</c> (the encoder input of a sequence-to-sequence model, one document of a language-model stream).
    /// By default it follows the network's shape: an encoder-only network reads <c>[CLS] text [SEP]</c>, any other
    /// <c>text [EOS]</c>.
    /// </summary>
    public BatchLayout InputLayout { get; }
}
