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
    }

    private sealed class Scores
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void TwoProcessGradientsEqualOneProcessAndTheResultScoresInMLNetAsInPyTorch()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        string root = TestPaths.NewTempDir();
        var ml = new MLContext(1);
        string model = Path.Combine(root, "start"), data = Path.Combine(root, "rows.tsv");
        var rows = Rows(96, seed: 3);
        TransformerModelFolder.Export(RandomClassifier(ml, rows.Select(r => r.Text)), model);
        File.WriteAllLines(data, rows.Select(r => r.Text + "\t" + r.Label).Prepend("Text\tLabel"));

        var run = DistributedRun.Run(root, model, data, steps: 12, "--batch-size", "16");
        DistributedRun.AssertSameGradients(run, "classification");
        var (trained, scores) = (run.Folder, run.Scores);
        var imported = TransformerModelFolder.Import(ml, trained);
        var engine = ml.Model.CreatePredictionEngine<Row, Scores>(imported);
        float[] logits = scores["logits"];
        double scoreDifference = 0, changed = 0;
        var original = ml.Model.CreatePredictionEngine<Row, Scores>(TransformerModelFolder.Import(ml, model));
        for (int i = 0; i < rows.Length; i++)
        {
            float[] mlnet = engine.Predict(new Row { Text = rows[i].Text }).Score;
            double[] pytorch = Softmax(logits.AsSpan(i * Classes.Length, Classes.Length));
            scoreDifference = Math.Max(scoreDifference, mlnet.Zip(pytorch).Max(p => Math.Abs(p.First - p.Second)));
            changed = Math.Max(changed, mlnet.Zip(original.Predict(new Row { Text = rows[i].Text }).Score).Max(p => Math.Abs(p.First - p.Second)));
        }
        Console.WriteLine($"RESULT ddp-import objective=classification rows={rows.Length} max_abs_score_difference={scoreDifference:E2} max_change_from_training={changed:E2}");
        Assert.IsGreaterThan(1e-3, changed, "training must have changed the scores");
        Assert.IsLessThanOrEqualTo(1e-5, scoreDifference);
    }

    // A learned BPE, and inputs of 12 tokens keeping the tail: many rows are cut, as the Python side must cut them too.
    private static TextClassificationTransformer RandomClassifier(MLContext ml, IEnumerable<string> texts)
    {
        torch.manual_seed(7);
        var tokenizer = TextTokenizer.Learn(texts, vocabularySize: 300, sampleRows: 100, seed: 1);
        var options = new ModelOptions
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = 2, DecoderLayers = 0,
            FeedForwardDimension = 64, MaxLength = 48, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        var classifier = new ClassifierModel(new EncoderDecoderModel(options), Classes.Length, Pooling.Mean, dropout: 0);
        return new TextClassificationTransformer(ml, classifier, tokenizer, new ClassLabels(Classes, binary: false),
            new ClassifierSettings("Text", null, 12, TruncationSide.KeepTail, 8));
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
