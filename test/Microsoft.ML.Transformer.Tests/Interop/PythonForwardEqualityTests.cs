using System.Text.Json;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// The PyTorch mirror (python/) computes what the library computes: random-weight networks of every shape and option are
/// exported to model folders, both sides run them on the same padded inputs, and hidden states, logits and class logits
/// agree within 1e-5 at every real (non-padding) position. A wide-and-deep classifier's n-gram bags are computed by each
/// side from the same texts.
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonForwardEqualityTests
{
    private const double Tolerance = 1e-5;

    private static readonly ModelOptions Base = new()
    {
        VocabularySize = 1, ModelDimension = 32, Heads = 4, EncoderLayers = 2, DecoderLayers = 2, FeedForwardDimension = 64,
        MaxLength = 16, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
    };

    private static IEnumerable<(string Name, ModelOptions Options, Pooling? Classifier)> Cases()
    {
        var encoder = Base with { DecoderLayers = 0 };
        var decoder = Base with { EncoderLayers = 0 };
        yield return ("encoder prenorm sinusoidal relu mean-pool", encoder, Pooling.Mean);
        yield return ("encoder postnorm learned gelu first-token", encoder with { NormPlacement = NormPlacement.PostNorm, PositionalEncoding = PositionalEncoding.Learned, Activation = Activation.Gelu }, Pooling.FirstToken);
        yield return ("encoder rotary sliding-window", encoder with { PositionalEncoding = PositionalEncoding.Rotary, Attention = AttentionVariant.SlidingWindow, AttentionWindow = 3, GlobalTokens = 1 }, null);
        yield return ("encoder linear no-positions unscaled", encoder with { Attention = AttentionVariant.Linear, PositionalEncoding = PositionalEncoding.None, ScaleEmbeddings = false }, Pooling.Mean);
        yield return ("decoder tied rotary", decoder with { TieEmbeddings = true, PositionalEncoding = PositionalEncoding.Rotary }, null);
        yield return ("decoder postnorm learned sliding-window last-token", decoder with { NormPlacement = NormPlacement.PostNorm, PositionalEncoding = PositionalEncoding.Learned, Attention = AttentionVariant.SlidingWindow, AttentionWindow = 2, GlobalTokens = 0 }, Pooling.LastToken);
        yield return ("decoder linear gelu", decoder with { Attention = AttentionVariant.Linear, Activation = Activation.Gelu }, null);
        yield return ("encoder-decoder prenorm sinusoidal", Base, null);
        yield return ("encoder-decoder tied postnorm learned gelu", Base with { TieEmbeddings = true, NormPlacement = NormPlacement.PostNorm, PositionalEncoding = PositionalEncoding.Learned, Activation = Activation.Gelu }, null);
        yield return ("encoder-decoder rotary sliding-window", Base with { PositionalEncoding = PositionalEncoding.Rotary, Attention = AttentionVariant.SlidingWindow, AttentionWindow = 3, GlobalTokens = 2 }, null);
        yield return ("encoder-decoder linear", Base with { Attention = AttentionVariant.Linear }, null);
    }

    private static IEnumerable<(string Name, ModelOptions Options, Pooling? Classifier, HashedNgrams? Ngrams)> CasesWithNgrams() =>
        Cases().Select(c => (c.Name, c.Options, c.Classifier, (HashedNgrams?)null))
            .Append(("encoder wide-and-deep n-grams mean-pool", Base with { DecoderLayers = 0 }, Pooling.Mean, new HashedNgrams(512, 2, 3)))
            .Append(("decoder wide-and-deep word n-grams last-token", Base with { EncoderLayers = 0 }, Pooling.LastToken, new HashedNgrams(64, 3, 0)));

    [TestMethod]
    public void MirrorMatchesTheLibraryForEveryShapeAndOption()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        var ml = new MLContext(1);
        var tokenizer = TextTokenizer.Bytes(sentinelCount: 4);
        string root = TestPaths.NewTempDir();
        var expected = new List<(string Name, string Output, Outputs Library)>();
        var manifest = new List<Dictionary<string, string>>();
        int index = 0;
        foreach (var (name, shape, pooling, ngrams) in CasesWithNgrams())
        {
            torch.manual_seed(100 + index);
            var options = shape with { VocabularySize = tokenizer.VocabularySize };
            var network = new TextNetwork(options);
            var classifier = pooling is { } p ? new ClassifierModel(network, 3, p, dropout: 0, ngrams?.Buckets ?? 0) : null;
            Perturb(classifier ?? (nn.Module)network);
            ITransformer component = classifier is not null
                ? new TextClassificationTransformer(ml, classifier, tokenizer, new ClassLabels(["a", "b", "c"], binary: false),
                    new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8) { Ngrams = ngrams })
                : new TextPretrainingTransformer(ml, network, tokenizer, new PretrainingSettings("Text", "Loss", "Perplexity",
                    new ObjectiveSettings(Objective(options), 16, 0.15, 3, 0.15), 8));
            string folder = Path.Combine(root, $"case{index}");
            ModelFolder.Export(component, folder);

            var inputs = Inputs(tokenizer.VocabularySize, index);
            string inputPath = Path.Combine(root, $"inputs{index}.json"), outputPath = Path.Combine(root, $"outputs{index}.json");
            File.WriteAllText(inputPath, JsonSerializer.Serialize(inputs));
            manifest.Add(new() { ["folder"] = folder, ["inputs"] = inputPath, ["output"] = outputPath });
            expected.Add((name, outputPath, Library(network, classifier, inputs, ngrams)));
            (classifier ?? (nn.Module)network).Dispose();
            index++;
        }
        string manifestPath = Path.Combine(root, "manifest.json");
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest));
        PythonMirror.RunModule("forward", manifestPath);

        var failures = new List<string>();
        foreach (var (name, output, library) in expected)
        {
            var mirror = JsonSerializer.Deserialize<Outputs>(File.ReadAllText(output), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
            double hidden = MaxDifference(library.Hidden, mirror.Hidden, library.Real);
            double logits = MaxDifference(library.Logits, mirror.Logits, library.Real);
            double classes = library.Classes is null ? 0 : library.Classes.Zip(mirror.Classes!).Max(r => r.First.Zip(r.Second).Max(v => Math.Abs(v.First - v.Second)));
            Console.WriteLine($"RESULT python-mirror case=\"{name}\" max_abs_hidden={hidden:E2} max_abs_logits={logits:E2}" +
                (library.Classes is null ? "" : $" max_abs_classes={classes:E2}"));
            if (!(hidden <= Tolerance && logits <= Tolerance && classes <= Tolerance))
                failures.Add($"{name}: hidden {hidden:E2}, logits {logits:E2}, classes {classes:E2}");
        }
        Assert.IsEmpty(failures, "beyond " + Tolerance + ": " + string.Join("; ", failures));
    }

    /// <summary>What each side writes: hidden states and logits [B, T, ·] of the stream read out, class logits [B, C] of a classifier.</summary>
    internal sealed class Outputs
    {
        public double[][][] Hidden { get; set; } = [];
        public double[][][] Logits { get; set; } = [];
        public double[][]? Classes { get; set; }
        public bool[][] Real { get; set; } = [];
    }

    private static PretrainingObjective Objective(ModelOptions options) =>
        options.EncoderLayers == 0 ? PretrainingObjective.CausalLanguageModel
        : options.DecoderLayers == 0 ? PretrainingObjective.MaskedLanguageModel : PretrainingObjective.SpanCorruption;

    // Initial norms are 1/0 and biases 0: move every parameter so that each one matters to the comparison.
    private static void Perturb(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var parameter in module.parameters())
            parameter.add_(randn_like(parameter).mul_(0.05));
    }

    // Three rows of 12 source tokens (the second and third padded at the tail), 9 target tokens for an encoder-decoder,
    // and three texts for the n-grams.
    private static Dictionary<string, object> Inputs(int vocabulary, int seed)
    {
        var random = new Random(seed);
        long[][] Ids(int length) => [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, length).Select(_ => (long)random.Next(7, vocabulary)).ToArray())];
        bool[][] Padding(int length, int[] real) => [.. real.Select(r => Enumerable.Range(0, length).Select(i => i >= r).ToArray())];
        return new()
        {
            ["ids"] = Ids(12), ["padding"] = Padding(12, [12, 9, 5]),
            ["target"] = Ids(9), ["targetPadding"] = Padding(9, [6, 9, 3]),
            ["texts"] = DistributedRun.Texts(3, seed),
        };
    }

    private static Outputs Library(TextNetwork network, ClassifierModel? classifier, Dictionary<string, object> inputs, HashedNgrams? ngrams)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        (classifier ?? (nn.Module)network).eval();
        var ids = tensor((long[][])inputs["ids"]);
        var padding = BoolTensor((bool[][])inputs["padding"]);
        Tensor hidden;
        bool[][] real;
        if (network.HasEncoder && network.HasDecoder)
        {
            var targetPadding = BoolTensor((bool[][])inputs["targetPadding"]);
            hidden = network.Decode(tensor((long[][])inputs["target"]), network.Encode(ids, padding), padding, targetPadding);
            real = Not((bool[][])inputs["targetPadding"]);
        }
        else
        {
            hidden = network.HasEncoder ? network.Encode(ids, padding) : network.Decode(ids, null, null, padding);
            real = Not((bool[][])inputs["padding"]);
        }
        return new Outputs
        {
            Hidden = Nested(hidden), Logits = Nested(network.Logits(hidden)), Real = real,
            Classes = classifier is null ? null : Rows(classifier.forward(ids, padding, Bags(ngrams, (string[])inputs["texts"])?.Bags)),
        };
    }

    private static NgramBatch? Bags(HashedNgrams? ngrams, string[] texts) =>
        ngrams is null ? null : NgramBatch.Build([.. texts.Select(t => ngrams.Featurize(t))], null);

    private static Tensor tensor(long[][] rows) => torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static Tensor BoolTensor(bool[][] rows) => torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static bool[][] Not(bool[][] rows) => [.. rows.Select(r => r.Select(v => !v).ToArray())];

    private static double[][][] Nested(Tensor x)
    {
        var (b, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        float[] values = x.contiguous().data<float>().ToArray();
        return [.. Enumerable.Range(0, (int)b).Select(i => Enumerable.Range(0, (int)t)
            .Select(j => values.AsSpan((int)((i * t + j) * d), (int)d).ToArray().Select(v => (double)v).ToArray()).ToArray())];
    }

    private static double[][] Rows(Tensor x)
    {
        var (b, c) = (x.shape[0], x.shape[1]);
        float[] values = x.contiguous().data<float>().ToArray();
        return [.. Enumerable.Range(0, (int)b).Select(i => values.AsSpan((int)(i * c), (int)c).ToArray().Select(v => (double)v).ToArray())];
    }

    private static double MaxDifference(double[][][] library, double[][][] mirror, bool[][] real)
    {
        double max = 0;
        for (int i = 0; i < library.Length; i++)
            for (int j = 0; j < library[i].Length; j++)
                if (real[i][j])
                    for (int k = 0; k < library[i][j].Length; k++)
                        max = Math.Max(max, Math.Abs(library[i][j][k] - mirror[i][j][k]));
        return max;
    }
}
