using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>
/// The incremental decoder over a real (random, untrained) network: each cached step gives the logits of the full
/// uncached pass, for an encoder-decoder and a decoder-only model, and a batch generates what each row alone does, with
/// or without the screened greedy head.
/// </summary>
[TestClass]
public sealed class TextGeneratorDecoderTests
{
    private static readonly TextTokenizer Bytes = TextTokenizer.Bytes();

    private static TextNetwork Network(int encoderLayers, int seed = 3)
    {
        torch.random.manual_seed(seed);
        var model = new TextNetwork(new ModelOptions
        {
            VocabularySize = Bytes.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = encoderLayers, DecoderLayers = 2,
            FeedForwardDimension = 64, MaxLength = 48,
        });
        model.eval();
        return model;
    }

    [TestMethod]
    public void EncoderDecoderStepsEqualTheFullPass()
    {
        using var model = Network(encoderLayers: 2);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Two sources of different lengths: the shorter one is padded.
        var sources = tensor(new long[] { 50, 60, 70, 80, 2, 55, 65, 2, 0, 0 }, [2, 5]);
        var padding = sources.eq(0);
        var targets = tensor(new long[] { 1, 90, 91, 92, 93, 1, 94, 95, 96, 97 }, [2, 5]);   // [BOS] then four tokens
        var full = model.Logits(model.Decode(targets, model.Encode(sources, padding), padding, null));   // [2, 5, V]

        using var decoder = ModelDecoder.ForSources(model, sources, padding, maxSteps: 5);
        for (int t = 0; t < 5; t++)
        {
            var step = decoder.Step(targets.select(1, t));                                        // [2, V]
            Assert.IsLessThan(1e-4, (step - full.select(1, t)).abs().max().item<float>(), $"position {t}");
        }
        Assert.AreEqual(5L, decoder.Length);
    }

    [TestMethod]
    public void DecoderOnlyPrefillAndStepsEqualTheFullPass()
    {
        using var model = Network(encoderLayers: 0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long[] row = [1, 40, 41, 42, 4, 70, 71, 72];
        var full = model.Logits(model.Decode(tensor(row, [1, row.Length]), null, null, null));     // [1, 8, V]

        using var decoder = ModelDecoder.ForPrompts(model, [row[..4]], maxSteps: row.Length);
        for (int t = 4; t < row.Length; t++)
        {
            var step = decoder.Step(tensor(new[] { row[t] }));
            Assert.IsLessThan(1e-4, (step - full.select(1, t)).abs().max().item<float>(), $"position {t}");
        }
    }

    [TestMethod]
    [DataRow(2, DecodingStrategy.Greedy)]
    [DataRow(2, DecodingStrategy.Beam)]
    [DataRow(0, DecodingStrategy.Greedy)]
    [DataRow(0, DecodingStrategy.Beam)]
    public void BatchGeneratesWhatEachRowAloneDoes(int encoderLayers, DecodingStrategy strategy)
    {
        using var model = Network(encoderLayers);
        var generator = new NetworkGenerator(model, Bytes, sourceMaxLength: 16, TruncationSide.KeepHead);
        var options = new DecodingOptions { Strategy = strategy, BeamWidth = 3, MaxNewTokens = 10 };
        string[] sources = ["a", "hello world", "", "the longest source of all, cut at 15 tokens", "xyz"];

        var together = generator.Generate(sources, options);
        for (int i = 0; i < sources.Length; i++)
        {
            var alone = generator.Generate([sources[i]], options)[0];
            CollectionAssert.AreEqual(alone.Tokens, together[i].Tokens, $"source '{sources[i]}'");
            Assert.AreEqual(alone.LogProbability, together[i].LogProbability, 1e-3);
            Assert.AreEqual(Bytes.Decode(alone.Tokens.Select(t => (int)t).ToArray()), together[i].Text);
        }
        // The over-long source is cut to its first 15 tokens (KeepHead), then [EOS] or [SEP].
        var cut = generator.Generate(["the longest source of all, cut"[..15]], options)[0];
        CollectionAssert.AreEqual(cut.Tokens, together[3].Tokens);
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(0)]
    public void TheScreenedGreedyHeadGeneratesTheSameTokensFromSeveralThreads(int encoderLayers)
    {
        using var plain = Network(encoderLayers);
        using var screened = Network(encoderLayers);
        screened.PrepareForInference();
        var expected = new NetworkGenerator(plain, Bytes, sourceMaxLength: 16, TruncationSide.KeepHead);
        var generator = new NetworkGenerator(screened, Bytes, sourceMaxLength: 16, TruncationSide.KeepHead);
        generator.Greedy.Screen = true;   // one selector, one head, shared by every thread
        var options = new DecodingOptions { MaxNewTokens = 10 };
        string[] sources = ["a", "hello world", "", "xyz"];

        var want = expected.Generate(sources, options, logProbabilities: false);
        var got = new IReadOnlyList<GeneratedSequence>[4];
        Parallel.For(0, got.Length, i => got[i] = generator.Generate(sources, options, logProbabilities: false));
        for (int t = 0; t < got.Length; t++)
            for (int i = 0; i < sources.Length; i++)
                CollectionAssert.AreEqual(want[i].Tokens, got[t][i].Tokens, $"thread {t}, source '{sources[i]}'");
    }
}
