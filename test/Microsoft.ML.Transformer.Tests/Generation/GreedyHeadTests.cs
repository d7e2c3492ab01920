using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;
using static Microsoft.ML.Transformer.Tests.Modeling.TinyModels;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>
/// The screened greedy head must choose exactly the token that the float32 logits' argmax chooses: its bfloat16 screen
/// may only narrow the field, never decide between logits closer than its error.
/// </summary>
[TestClass]
public sealed class GreedyHeadTests
{
    private const int Vocabulary = 1000, Width = 64;

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ScreenedTokensAreTheFloat32Argmax(bool withBias)
    {
        using var scope = NewDisposeScope();
        var (weight, bias) = Head(seed: 1, withBias);
        using var head = new GreedyHead(weight, bias);
        for (int batch = 0; batch < 20; batch++)
        {
            var hidden = Hidden(32, seed: 100 + batch);
            CollectionAssert.AreEqual(Float32Argmax(hidden, weight, bias), head.Next(hidden), $"batch {batch}");
        }
        Assert.AreEqual(0, head.Fallbacks);
        Assert.IsGreaterThanOrEqualTo(20 * 32, head.CandidatesScored); // at least the screen's own maximum, per row
    }

    [TestMethod]
    public void NearTiesBelowTheScreensResolutionAreDecidedInFloat32()
    {
        using var scope = NewDisposeScope();
        var (weight, bias) = Head(seed: 2, withBias: true);
        var hidden = Hidden(16, seed: 3);
        using (no_grad())
        {
            // Token 10 points along row 0's hidden state; token 20 is a copy nudged by 1e-4 of its length in a random
            // direction: their logits differ far below bfloat16's step (~1/256 relative), so only float32 can tell.
            var direction = hidden[0] / hidden[0].norm();
            weight[10] = direction * 0.5f;
            weight[20] = direction * 0.5f + randn(Width, generator: new TorchSharp.torch.Generator(4)) * 5e-5f;
            bias![10] = tensor(0f);
            bias[20] = tensor(0f);
        }
        using var head = new GreedyHead(weight, bias);
        long before = head.CandidatesScored;
        var tokens = head.Next(hidden);
        CollectionAssert.AreEqual(Float32Argmax(hidden, weight, bias), tokens);
        Assert.IsTrue(tokens[0] is 10 or 20, $"row 0 chose {tokens[0]}");
        Assert.IsGreaterThan(before + 16, head.CandidatesScored, "the near tie must leave two candidates in row 0");
    }

    [TestMethod]
    public void TheScreensErrorStaysWithinItsBound()
    {
        using var scope = NewDisposeScope();
        var (weight, bias) = Head(seed: 5, withBias: true);
        using var head = new GreedyHead(weight, bias);
        var hidden = Hidden(64, seed: 6) * 3;   // larger activations, larger errors: the bound must scale with them
        using var noGrad = no_grad();
        var screened = head.Screen(hidden).to(ScalarType.Float64);
        var exact = nn.functional.linear(hidden.to(ScalarType.Float64), weight.to(ScalarType.Float64), bias!.to(ScalarType.Float64));
        var errors = (screened - exact).abs().amax([1]);                                 // [B]
        var maxima = screened.amax([1]);
        for (int b = 0; b < 64; b++)
        {
            double bound = head.ErrorBound(hidden[b].data<float>().ToArray(), (float)maxima[b].item<double>());
            Assert.IsLessThanOrEqualTo(bound, errors[b].item<double>(), $"row {b}");
            Assert.IsGreaterThan(0.0, errors[b].item<double>(), "a screen without error would test nothing");
        }
    }

    [TestMethod]
    public void ARowTheScreenCannotReadFallsBackToFloat32()
    {
        using var scope = NewDisposeScope();
        var (weight, bias) = Head(seed: 7, withBias: true);
        using var head = new GreedyHead(weight, bias);
        var hidden = Hidden(4, seed: 8);
        hidden[2, 5] = tensor(float.NaN);
        var tokens = head.Next(hidden);
        Assert.AreEqual(1, head.Fallbacks);
        CollectionAssert.AreEqual(Float32Argmax(hidden, weight, bias), tokens);
    }

    [TestMethod]
    [DataRow(2, false)]
    [DataRow(0, true)] // decoder-only with the output head tied to the embedding
    public void ScreenedGreedyDecodingGeneratesWhatTheLogitsDo(int encoderLayers, bool tied)
    {
        using var scope = NewDisposeScope();
        var options = Options(encoderLayers) with { TieEmbeddings = tied };
        using var plain = Create(options);
        using var screened = Create(options);
        screened.PrepareForInference();
        using var greedy = new GreedySelector(screened) { Screen = true };
        using var noGrad = no_grad();
        using var plainCache = StartThreeRows(plain, 12);
        using var screenedCache = StartThreeRows(screened, 12);
        var plainToken = full(3, 1L);
        var screenedToken = full(3, 1L);
        for (int t = 0; t < 12; t++)
        {
            var expected = LogitsProcessing.Greedy(plain.Step(plainToken, plainCache)).data<long>().ToArray();
            var actual = greedy.Next(screened.StepHidden(screenedToken, screenedCache));
            CollectionAssert.AreEqual(expected, actual, $"step {t}");
            (plainToken, screenedToken) = (tensor(expected), tensor(actual));
        }
    }

    [TestMethod]
    public void DecidingWhetherTheScreenPaysLeavesTheGlobalRandomSequenceAlone()
    {
        using var scope = NewDisposeScope();
        using var model = Create(Options());
        model.eval();
        model.PrepareForInference();
        using var greedy = new GreedySelector(model);   // Screen stays null: the first greedy step measures
        var padding = Padding(5, 5, 3);
        var source = WithPads(Ids(2, 5, seed: 1), padding);
        using var noGrad = no_grad();
        using var cache = model.StartDecoding(model.Encode(source, padding), padding, 2, 4);
        TorchSharp.torch.random.manual_seed(5);
        var expected = randn(8);
        TorchSharp.torch.random.manual_seed(5);
        greedy.Next(model.StepHidden(full(2, 1L), cache));
        Assert.AreEqual(0.0, MaxDiff(randn(8), expected), "the first greedy step drew from the global generator");
    }

    private static (Tensor Weight, Tensor? Bias) Head(int seed, bool withBias)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var weight = randn([Vocabulary, Width], generator: generator) * 0.1f;
        var bias = withBias ? randn([Vocabulary], generator: generator) * 0.1f : null;
        return (weight, bias);
    }

    // Layer-normed rows, the head's input in a post-norm or final-norm network.
    private static Tensor Hidden(long rows, int seed) =>
        nn.functional.layer_norm(randn([rows, Width], generator: new TorchSharp.torch.Generator((ulong)seed)), [Width]);

    private static long[] Float32Argmax(Tensor hidden, Tensor weight, Tensor? bias)
    {
        using var noGrad = no_grad();
        return nn.functional.linear(hidden, weight, bias).max(-1).indexes.data<long>().ToArray();
    }
}
