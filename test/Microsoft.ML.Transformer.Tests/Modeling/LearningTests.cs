using System.Diagnostics;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>
/// A tiny seeded encoder-decoder must learn two sequence-to-sequence tasks to ≥ 99% token accuracy, measured by
/// greedy decoding (with the key/value cache) of sequences it never saw. A plain AdamW loop, on purpose.
/// </summary>
[TestClass]
public sealed class LearningTests
{
    private const int Pad = 0, Bos = 1, Symbols = 10, Vocabulary = Symbols + 2, MaxLength = 8, MinLength = 3;

    // Training stops early once a check batch is decoded without error; this cap only bounds a model that does not get there.
    private const int MaxSteps = 1500;

    // Rows of that check batch: with 64, one lucky error-free batch stopped a model at 96.7% held-out (docs/RESULTS.md).
    private const int CheckRows = 256;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void LearnsToCopy() => LearnsTask(reverse: false);

    [TestMethod]
    public void LearnsToReverse() => LearnsTask(reverse: true);

    // Reversal needs positions: rotary ones reach it through attention alone, nothing added to the embeddings.
    [TestMethod]
    public void LearnsToReverseWithRotaryPositions() => LearnsTask(reverse: true, PositionalEncoding.Rotary);

    private void LearnsTask(bool reverse, PositionalEncoding positions = PositionalEncoding.Sinusoidal)
    {
        var clock = Stopwatch.StartNew();
        random.manual_seed(TestSeed.Shift(7));
        using var model = new TextNetwork(new ModelOptions
        {
            VocabularySize = Vocabulary, ModelDimension = 64, Heads = 4, EncoderLayers = 2, DecoderLayers = 2,
            FeedForwardDimension = 128, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0,
            FeedForwardDropout = 0, MaxLength = MaxLength + 1, PaddingId = Pad, PositionalEncoding = positions,
        });
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);
        var data = new Generator((ulong)TestSeed.Shift(11));
        model.train();
        int steps = 0;
        while (steps < MaxSteps)
        {
            using var scope = NewDisposeScope();
            var (source, sourcePadding, target) = Batch(64, reverse, data);
            var decoderInput = cat([full(64, 1, (long)Bos), target[.., ..^1]], 1);       // teacher forcing
            var logits = model.forward(source, sourcePadding, decoderInput, target.eq(Pad));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, Vocabulary), target.reshape(-1), ignore_index: Pad);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (++steps % 50 == 0 && Accuracy(model, reverse, new Generator((ulong)TestSeed.Shift(99)), CheckRows) == 1.0) break;
        }
        double accuracy = Accuracy(model, reverse, new Generator((ulong)TestSeed.Shift(12345)), 512);
        TestContext.WriteLine($"{(reverse ? "reverse" : "copy")} ({positions}): {steps} steps, held-out token accuracy {accuracy:P2}, {clock.Elapsed.TotalSeconds:F1} s");
        // Chance is about 10%: 0.97 fails a model that does not learn and leaves room for seeds and CPU kernels
        // (the lowest held-out accuracies per seed and ATEN_CPU_CAPABILITY are in docs/RESULTS.md).
        Assert.IsGreaterThanOrEqualTo(0.97, accuracy);
    }

    // source [B, 8] (tail padded), its padding mask, and the target: the same symbols, reversed or not, same padding.
    private static (Tensor Source, Tensor Padding, Tensor Target) Batch(int size, bool reverse, Generator generator)
    {
        var symbols = randint(2, Vocabulary, [size, MaxLength], dtype: ScalarType.Int64, generator: generator);
        var lengths = randint(MinLength, MaxLength + 1, [size], dtype: ScalarType.Int64, generator: generator);
        var position = arange(MaxLength).unsqueeze(0);                                  // [1, L]
        var padding = position >= lengths.unsqueeze(1);                                 // [B, L]
        var source = symbols.masked_fill(padding, Pad);
        if (!reverse) return (source, padding, source);
        // Position i of the target takes source position length − 1 − i (pads stay pads).
        var from = (lengths.unsqueeze(1) - 1 - position).clamp_min(0);
        return (source, padding, source.gather(1, from).masked_fill(padding, Pad));
    }

    // Greedy decoding with the cache; the fraction of real target positions predicted right.
    private static double Accuracy(TextNetwork model, bool reverse, Generator generator, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var (source, padding, target) = Batch(size, reverse, generator);
        using var cache = model.StartDecoding(model.Encode(source, padding), padding, size, MaxLength);
        var token = full(size, (long)Bos);
        var predicted = new List<Tensor>();
        for (int t = 0; t < MaxLength; t++)
        {
            token = model.Step(token, cache).argmax(-1);
            predicted.Add(token);
        }
        model.train();
        var real = padding.logical_not();
        var correct = stack(predicted, 1).eq(target).logical_and(real);
        return correct.sum().item<long>() / (double)real.sum().item<long>();
    }
}
