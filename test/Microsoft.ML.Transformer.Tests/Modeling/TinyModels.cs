using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>Small seeded models and batches for the modeling tests.</summary>
internal static class TinyModels
{
    public const int Vocabulary = 23;
    public const int Pad = 0;

    /// <summary>Options of a tiny model without dropout, so outputs are deterministic even in training mode.</summary>
    public static ModelOptions Options(int encoderLayers = 2, int decoderLayers = 2) => new()
    {
        VocabularySize = Vocabulary,
        ModelDimension = 32,
        Heads = 4,
        EncoderLayers = encoderLayers,
        DecoderLayers = decoderLayers,
        FeedForwardDimension = 64,
        EmbeddingDropout = 0,
        AttentionDropout = 0,
        ResidualDropout = 0,
        FeedForwardDropout = 0,
        MaxLength = 64,
    };

    /// <summary>A model made with a fixed seed, in eval mode.</summary>
    public static TextNetwork Create(ModelOptions options, int seed = 1)
    {
        random.manual_seed(seed);
        var model = new TextNetwork(options);
        model.eval();
        return model;
    }

    /// <summary>Random non-pad ids [batch, length] in [1, Vocabulary).</summary>
    public static Tensor Ids(long batch, long length, int seed) =>
        randint(1, Vocabulary, [batch, length], dtype: ScalarType.Int64, generator: new Generator((ulong)seed));

    /// <summary>Padding mask [B, T] (true = padding) for the given real lengths.</summary>
    public static Tensor Padding(long length, params long[] realLengths) =>
        arange(length).unsqueeze(0) >= tensor(realLengths).unsqueeze(1);

    /// <summary>
    /// A decoding cache for three rows over one fixed padded source of 7 tokens (rows of 7, 4 and 6 real tokens), encoded
    /// without gradients; a decoder-only model starts without one. Lets two models be stepped side by side.
    /// </summary>
    public static DecoderCache StartThreeRows(TextNetwork model, int steps)
    {
        using var noGrad = no_grad();
        var padding = model.HasEncoder ? Padding(7, 7, 4, 6) : null;
        var memory = padding is null ? null : model.Encode(WithPads(Ids(3, 7, seed: 1), padding), padding);
        return model.StartDecoding(memory, padding, 3, steps);
    }

    /// <summary>Replaces padded positions of <paramref name="ids"/> by the pad id.</summary>
    public static Tensor WithPads(Tensor ids, Tensor padding) => ids.masked_fill(padding, Pad);

    /// <summary>Largest absolute difference between two tensors.</summary>
    public static double MaxDiff(Tensor a, Tensor b) => (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();
}
