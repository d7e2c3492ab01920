using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// Fine-tuning an exported classifier in PyTorch with DistributedDataParallel (2 processes, gloo): its gradients equal a
/// single process's on the same global batch, and the folder it writes imports into ML.NET and scores as PyTorch did.
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonDistributedTrainingTests
{
    private static readonly string[] Classes = ["fruit", "animal", "colour"];

    private sealed class Row
    {
        public string Text { get; set; } = "";

        public string Second { get; set; } = "";
    }

    private sealed class Scores
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void TwoProcessGradientsEqualOneProcessAndTheResultScoresInMLNetAsInPyTorch() => Check(pairs: false);

    [TestMethod]
    public void TextPairsAreCutAndScoredAsTheLibraryDoes() => Check(pairs: true);

    // The default classifier's shape: hashed n-grams beside the network, their bags computed by each side from the text.
    [TestMethod]
    public void WideAndDeepClassifierWithNgramsTrainsAndScoresAsTheLibraryDoes() => Check(pairs: false, new HashedNgrams(256, 2, 3));

    [TestMethod]
    public void WideAndDeepPairClassifierReadsTheBagOfBothTexts() => Check(pairs: true, new HashedNgrams(128, 1, 4));

    private static void Check(bool pairs, HashedNgrams? ngrams = null)
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        string root = TestPaths.NewTempDir();
        var ml = new MLContext(1);
        string model = Path.Combine(root, "start"), data = Path.Combine(root, "rows.tsv");
        var rows = Rows(96, seed: 3);
        var seconds = Rows(96, seed: 4).Select(r => r.Text).ToArray();
        ModelFolder.Export(RandomClassifier(ml, rows.Select(r => r.Text), pairs ? "Second" : null, ngrams), model);
        File.WriteAllLines(data, rows.Select((r, i) => r.Text + "\t" + seconds[i] + "\t" + r.Label).Prepend("Text\tSecond\tLabel"));

        string objective = (pairs ? "classification-pairs" : "classification") + (ngrams is null ? "" : "-ngrams");
        var run = DistributedRun.Run(root, model, data, steps: 12, "--batch-size", "16");
        DistributedRun.AssertSameGradients(run, objective);
        if (ngrams is not null)
            Assert.IsGreaterThan(1e-4, DistributedRun.Floats(Path.Combine(root, "one.safetensors"))["wide.weight"].Max(MathF.Abs),
                "the n-grams' weights must take part in the gradient check");
        var imported = ModelFolder.Import(ml, run.Folder);
        var engine = ml.Model.CreatePredictionEngine<Row, Scores>(imported);
        float[] logits = run.Scores["logits"];
        double scoreDifference = 0, changed = 0;
        var original = ml.Model.CreatePredictionEngine<Row, Scores>(ModelFolder.Import(ml, model));
        for (int i = 0; i < rows.Length; i++)
        {
            var row = new Row { Text = rows[i].Text, Second = seconds[i] };
            float[] mlnet = engine.Predict(row).Score;
            double[] pytorch = Softmax(logits.AsSpan(i * Classes.Length, Classes.Length));
            scoreDifference = Math.Max(scoreDifference, mlnet.Zip(pytorch).Max(p => Math.Abs(p.First - p.Second)));
            changed = Math.Max(changed, mlnet.Zip(original.Predict(row).Score).Max(p => Math.Abs(p.First - p.Second)));
        }
        Console.WriteLine($"RESULT ddp-import objective={objective} rows={rows.Length} max_abs_score_difference={scoreDifference:E2} max_change_from_training={changed:E2}");
        Assert.IsGreaterThan(1e-3, changed, "training must have changed the scores");
        Assert.IsLessThanOrEqualTo(1e-5, scoreDifference);
    }

    // A learned BPE, and inputs of 12 tokens keeping the tail: many rows are cut, as the Python side must cut them too.
    private static TextClassificationTransformer RandomClassifier(MLContext ml, IEnumerable<string> texts, string? secondColumn, HashedNgrams? ngrams)
    {
        torch.manual_seed(7);
        var tokenizer = TextTokenizer.Learn(texts, vocabularySize: 300, sampleRows: 100, seed: 1);
        var options = new ModelOptions
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = 2, DecoderLayers = 0,
            FeedForwardDimension = 64, MaxLength = 48, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        var classifier = new ClassifierModel(new TextNetwork(options), Classes.Length, Pooling.Mean, dropout: 0, ngrams?.Buckets ?? 0);
        return new TextClassificationTransformer(ml, classifier, tokenizer, new ClassLabels(Classes, binary: false),
            new ClassifierSettings("Text", secondColumn, 12, TruncationSide.KeepTail, 8) { Ngrams = ngrams });
    }

    // Short texts of words typical of their class.
    private static (string Text, string Label)[] Rows(int count, int seed)
    {
        string[][] words = [["apple", "pear", "pomme", "яблоко"], ["dog", "cat", "chien", "собака"], ["red", "green", "rouge", "красный"]];
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            int label = random.Next(Classes.Length);
            return (string.Join(' ', Enumerable.Range(0, random.Next(2, 7)).Select(_ => words[label][random.Next(4)])), Classes[label]);
        })];
    }

    private static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        var exp = new double[logits.Length];
        for (int i = 0; i < exp.Length; i++) exp[i] = Math.Exp(logits[i] - max);
        double sum = exp.Sum();
        return [.. exp.Select(e => e / sum)];
    }
}
