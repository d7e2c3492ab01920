using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.TokenIds;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// ONNX serving: a model folder exported to ONNX by the PyTorch mirror (mlnet_transformer.onnx_export) and scored by
/// ML.NET's own OnnxTransformer behind the library's token-id transform gives the TorchSharp transformer's scores.
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class OnnxServingTests
{
    private const double Tolerance = 1e-4;

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    [TestMethod]
    public void DefaultClassifierWithNgramsScoresTheSameThroughOnnxRuntimeOn1000Rows()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        var trained = ClassifierFixture.Model; // default options: wide and deep, hashed n-grams beside the network
        var ml = trained.Ml;
        string root = TestPaths.NewTempDir();
        string folder = Path.Combine(root, "classifier"), onnx = Path.Combine(root, "classifier.onnx");
        ModelFolder.Export(trained.Model, folder);
        OnnxExport.Run(folder, onnx);
        // The n-grams are part of the comparison: the token-id step writes their bags, and their weights were trained.
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "ngram_ids", "ngram_weights" },
            ml.Transforms.Text.TransformerTokenIds(folder).OutputColumnNames.ToArray());
        float[] wide = DistributedRun.Floats(Path.Combine(folder, "model.safetensors"))["wide.weight"];
        Assert.IsGreaterThan(0.01, wide.Max(MathF.Abs), "the fixture's n-gram weights must be trained");

        var rows = ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(1000, seed: 30));
        float[][] torchScores = trained.Model.Transform(rows).GetColumn<float[]>("Score").ToArray();
        var served = OnnxExport.Pipeline(ml, folder, onnx, "probabilities").Fit(rows);
        float[][] onnxScores = served.Transform(rows).GetColumn<float[]>("probabilities").ToArray();

        double max = OnnxExport.MaxDifference(torchScores, onnxScores);
        Console.WriteLine($"RESULT onnx-classifier rows={torchScores.Length} max_abs_score_difference={max:E2}");
        Assert.HasCount(1000, onnxScores);
        Assert.IsLessThanOrEqualTo(Tolerance, max, $"ONNX Runtime and TorchSharp scores differ by {max:E2}");

        // One row at a time, as an app serves: PredictionEngine over the same pipeline, saved and loaded back.
        string zip = Path.Combine(root, "served.zip");
        ml.Model.Save(served, rows.Schema, zip);
        var loaded = new MLContext(5).Model.Load(zip, out _);
        var engine = ml.Model.CreatePredictionEngine<TextRow, OnnxExport.Probabilities>(loaded);
        var first = ClassifierFixture.Rows(1000, seed: 30).Take(20).ToArray();
        for (int i = 0; i < first.Length; i++)
        {
            float[] p = engine.Predict(new TextRow { Text = first[i].Text }).Values;
            Assert.IsLessThanOrEqualTo(Tolerance, OnnxExport.MaxDifference([torchScores[i]], [p]), $"row {i}");
        }

        // An app without TorchSharp-cpu (test/OnnxServeProbe) serves the same zip in its own process and maps no native torch library.
        string texts = Path.Combine(root, "texts.txt");
        File.WriteAllLines(texts, first.Select(r => r.Text.Replace('\n', ' ')));
        string[] lines = OnnxExport.Probe(zip, texts);
        Assert.AreEqual("native torch libraries mapped: none", lines[^1]);
        float[][] probed = [.. lines[..^1].Select(l => l.Split(' ').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())];
        Assert.IsLessThanOrEqualTo(Tolerance, OnnxExport.MaxDifference(torchScores[..first.Length], probed));
    }

    private static IEnumerable<(string Name, ModelOptions Options, Pooling? Classifier)> Shapes()
    {
        var encoder = new ModelOptions
        {
            VocabularySize = 1, ModelDimension = 32, Heads = 4, EncoderLayers = 2, DecoderLayers = 0, FeedForwardDimension = 64,
            MaxLength = 24, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        var decoder = encoder with { EncoderLayers = 0, DecoderLayers = 2 };
        yield return ("encoder sinusoidal mean", encoder, Pooling.Mean);
        yield return ("encoder sinusoidal extrapolating past MaxLength", encoder with { MaxLength = 16, AllowLengthExtrapolation = true }, Pooling.Mean);
        yield return ("encoder postnorm rotary sliding-window first-token", encoder with { NormPlacement = NormPlacement.PostNorm, PositionalEncoding = PositionalEncoding.Rotary, Attention = AttentionVariant.SlidingWindow, AttentionWindow = 3, GlobalTokens = 1 }, Pooling.FirstToken);
        yield return ("encoder linear gelu no-positions", encoder with { Attention = AttentionVariant.Linear, PositionalEncoding = PositionalEncoding.None, Activation = Activation.Gelu }, Pooling.Mean);
        yield return ("decoder learned last-token", decoder with { PositionalEncoding = PositionalEncoding.Learned }, Pooling.LastToken);
        yield return ("decoder rotary tied", decoder with { PositionalEncoding = PositionalEncoding.Rotary, TieEmbeddings = true }, Pooling.LastToken);
        yield return ("decoder linear sinusoidal", decoder with { Attention = AttentionVariant.Linear }, Pooling.LastToken);
        yield return ("encoder-decoder sliding-window embedding", encoder with { DecoderLayers = 1, Attention = AttentionVariant.SlidingWindow, AttentionWindow = 2, GlobalTokens = 0 }, null);
        yield return ("encoder learned embedding", encoder with { PositionalEncoding = PositionalEncoding.Learned }, null);
    }

    [TestMethod]
    public void EveryShapeAndOptionScoresTheSameThroughOnnxRuntime()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        var ml = new MLContext(3);
        var tokenizer = TextTokenizer.Bytes();
        string root = TestPaths.NewTempDir();
        var random = new Random(7);
        // Lengths from one character to past MaxLength, so truncation and every padding-free length are exercised.
        var texts = Enumerable.Range(0, 40).Select(i => new TextRow { Text = new string([.. Enumerable.Range(0, 1 + i).Select(_ => (char)('a' + random.Next(26)))]) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(texts);
        var failures = new List<string>();
        int index = 0;
        foreach (var (name, shape, pooling) in Shapes())
        {
            torch.manual_seed(200 + index);
            var options = shape with { VocabularySize = tokenizer.VocabularySize };
            var network = new TextNetwork(options);
            ITransformer component = pooling is { } p
                ? new TextClassificationTransformer(ml, new ClassifierModel(network, 3, p, dropout: 0), tokenizer,
                    new ClassLabels(["a", "b", "c"], binary: false), new ClassifierSettings("Text", null, 20, TruncationSide.KeepHead, 8))
                : new TextEmbeddingTransformer(ml, network, tokenizer, new EmbeddingSettings("Text", "Features",
                    options.DecoderLayers > 0 ? BatchLayout.Seq2Seq : BatchLayout.Single, 20, TruncationSide.KeepTail,
                    Pooling.Mean, Normalize: true, BatchSize: 8, ComputeDevice.Cpu));
            Perturb(network);
            string folder = Path.Combine(root, $"case{index}"), onnx = Path.Combine(root, $"case{index}.onnx");
            ModelFolder.Export(component, folder);
            OnnxExport.Run(folder, onnx);
            string torchColumn = pooling is null ? "Features" : "Score", onnxColumn = pooling is null ? "embedding" : "probabilities";
            float[][] expected = component.Transform(data).GetColumn<float[]>(torchColumn).ToArray();
            float[][] actual = OnnxExport.Pipeline(ml, folder, onnx, onnxColumn).Fit(data).Transform(data).GetColumn<float[]>(onnxColumn).ToArray();
            double max = OnnxExport.MaxDifference(expected, actual);
            Console.WriteLine($"RESULT onnx-shape case=\"{name}\" max_abs_difference={max:E2}");
            if (!(max <= Tolerance)) failures.Add($"{name}: {max:E2}");
            index++;
        }
        Assert.IsEmpty(failures, "beyond " + Tolerance + ": " + string.Join("; ", failures));
    }

    [TestMethod]
    public void WideAndDeepClassifiersScoreTheSameOnEmptyAndUnicodeTexts()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        var ml = new MLContext(4);
        var tokenizer = TextTokenizer.Bytes();
        string root = TestPaths.NewTempDir();
        // Empty and blank texts have empty bags (sent as bucket 0 of weight 0); the others mix scripts and astral characters.
        var texts = DistributedRun.Texts(60, seed: 12).Append("").Append(" \t ").Select(t => new TextRow { Text = t }).ToArray();
        var data = ml.Data.LoadFromEnumerable(texts);
        var encoder = new ModelOptions
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = 1, DecoderLayers = 0,
            FeedForwardDimension = 64, MaxLength = 24, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        var cases = new[]
        {
            ("encoder mean, words and pairs, trigrams", encoder, Pooling.Mean, new HashedNgrams(2048, 2, 3)),
            ("decoder last-token, characters only", encoder with { EncoderLayers = 0, DecoderLayers = 1 }, Pooling.LastToken, new HashedNgrams(97, 0, 4)),
        };
        foreach (var (name, options, pooling, ngrams) in cases)
        {
            torch.manual_seed(300);
            var classifier = new ClassifierModel(new TextNetwork(options), 3, pooling, dropout: 0, ngrams.Buckets);
            Perturb(classifier);
            var component = new TextClassificationTransformer(ml, classifier, tokenizer, new ClassLabels(["a", "b", "c"], binary: false),
                new ClassifierSettings("Text", null, 20, TruncationSide.KeepHead, 8) { Ngrams = ngrams });
            string folder = Path.Combine(root, name.Replace(' ', '-').Replace(",", "")), onnx = folder + ".onnx";
            ModelFolder.Export(component, folder);
            OnnxExport.Run(folder, onnx);
            float[][] expected = component.Transform(data).GetColumn<float[]>("Score").ToArray();
            var served = OnnxExport.Pipeline(ml, folder, onnx, "probabilities").Fit(data);
            float[][] actual = served.Transform(data).GetColumn<float[]>("probabilities").ToArray();
            var engine = ml.Model.CreatePredictionEngine<TextRow, OnnxExport.Probabilities>(served);
            float[] empty = engine.Predict(new TextRow { Text = "" }).Values;
            double max = Math.Max(OnnxExport.MaxDifference(expected, actual), OnnxExport.MaxDifference([expected[^2]], [empty]));
            Console.WriteLine($"RESULT onnx-ngrams case=\"{name}\" rows={texts.Length} max_abs_difference={max:E2}");
            Assert.IsLessThanOrEqualTo(Tolerance, max, name);
        }
    }

    [TestMethod]
    public void AGeneratorOrPretrainingFolderIsRefusedAndNothingIsWritten()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        string root = TestPaths.NewTempDir();
        string folder = Path.Combine(root, "pretraining"), onnx = Path.Combine(root, "pretraining.onnx");
        ModelFolder.Export(Pretraining.PretrainingFixture.MaskedModel.Model, folder);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => OnnxExport.Run(folder, onnx));
        StringAssert.Contains(e.Message, "Component is 'TextPretraining'");
        Assert.IsFalse(File.Exists(onnx));
        Assert.AreEqual(1, Directory.GetFileSystemEntries(root).Length, "only the model folder");
    }

    // Initial norms are 1/0 and biases 0: move every parameter so that each one matters to the comparison.
    private static void Perturb(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var parameter in module.parameters())
            parameter.add_(randn_like(parameter).mul_(0.05));
    }
}

/// <summary>Runs the exporter and builds the serving pipeline the docs show: token ids, then ApplyOnnxModel.</summary>
internal static class OnnxExport
{
    /// <summary>The probabilities column of a served classifier, for PredictionEngine.</summary>
    public sealed class Probabilities
    {
        [ColumnName("probabilities")]
        public float[] Values { get; set; } = [];
    }

    /// <summary>The lines test/OnnxServeProbe prints for <paramref name="zip"/> over the texts of <paramref name="texts"/>.</summary>
    public static string[] Probe(string zip, string texts)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string probe = Path.Combine(TestPaths.RepoRoot, "test", "OnnxServeProbe", "bin", configuration, "net10.0", "OnnxServeProbe.dll");
        Assert.IsTrue(File.Exists(probe), $"probe not built: {probe}");
        var (code, output) = Readme.ProcessRunner.Run(TestPaths.RepoRoot, "dotnet", probe, zip, texts);
        Assert.AreEqual(0, code, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static string Run(string folder, string onnx, params string[] more) =>
        PythonMirror.RunModule("onnx_export", ["--model", folder, "--output", onnx, .. more]);

    public static IEstimator<ITransformer> Pipeline(MLContext ml, string folder, string onnx, string output)
    {
        var tokenIds = ml.Transforms.Text.TransformerTokenIds(folder);
        return tokenIds.Append(ml.Transforms.ApplyOnnxModel([output], [.. tokenIds.OutputColumnNames], onnx));
    }

    public static double MaxDifference(float[][] expected, float[][] actual)
    {
        if (expected.Length != actual.Length) return double.PositiveInfinity;
        double max = 0;
        for (int r = 0; r < expected.Length; r++)
        {
            if (expected[r].Length != actual[r].Length) return double.PositiveInfinity;
            for (int i = 0; i < expected[r].Length; i++)
                max = Math.Max(max, Math.Abs(expected[r][i] - actual[r][i]));
        }
        return max;
    }
}
