using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Interpretability;

/// <summary>
/// Fitted models for the attention tests: the tiny classifier of <see cref="ClassifierFixture"/> (encoder-only), and
/// untrained decoder-only and encoder-decoder networks with its tokenizer, wrapped in an embedding transformer so
/// that they can be passed where a fitted model is expected.
/// </summary>
internal static class AttentionTestModels
{
    public static ClassifierFixture.Trained Classifier => ClassifierFixture.Model;

    public static TextTokenizer Tokenizer => Find(Classifier.Model).Tokenizer;

    public static ITransformer DecoderOnly() => Wrap(encoderLayers: 0, decoderLayers: 2, BatchLayout.Seq2Seq);

    public static ITransformer EncoderDecoder() => Wrap(encoderLayers: 2, decoderLayers: 2, BatchLayout.Seq2Seq);

    public static NetworkSource Find(ITransformer model) => PretrainedSource.Find(model)!.Source!;

    private static ITransformer Wrap(int encoderLayers, int decoderLayers, BatchLayout layout)
    {
        var tokenizer = Tokenizer;
        var options = new ModelOptions
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = encoderLayers, DecoderLayers = decoderLayers,
            FeedForwardDimension = 64, MaxLength = 96, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        random.manual_seed(11);
        var settings = new EmbeddingSettings("Text", "Features", layout, 96, TruncationSide.KeepHead, Pooling.LastToken, false, 8, ComputeDevice.Cpu);
        return new TextEmbeddingTransformer(Classifier.Ml, new TextNetwork(options), tokenizer, settings);
    }
}
