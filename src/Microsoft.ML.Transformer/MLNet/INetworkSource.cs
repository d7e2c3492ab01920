using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>A fitted component whose network and tokenizer another trainer can start from (fine-tuning).</summary>
internal interface INetworkSource
{
    EncoderDecoderModel Network { get; }

    TextTokenizer Tokenizer { get; }
}
