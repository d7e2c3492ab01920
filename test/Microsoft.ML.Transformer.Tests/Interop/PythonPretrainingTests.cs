using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// Continuing pretraining in PyTorch with each of the library's pretraining objectives: the 2-process DDP gradients
/// equal one process's on the same global batch, and the folder it writes, imported into ML.NET, gives every row the
/// loss PyTorch gave it (the masked and span-corrupted tokens of a row are the library's, drawn from .NET's Random).
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonPretrainingTests
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
    }

    [TestMethod]
    public void MaskedLanguageModelWithLearnedBpe()
    {
        var texts = DistributedRun.Texts(48, seed: 5);
        var tokenizer = TextTokenizer.Learn(texts, vocabularySize: 320, sampleRows: 100, seed: 1);
        Check(PretrainingObjective.MaskedLanguageModel, tokenizer, encoderLayers: 2, decoderLayers: 0, texts);
    }

    [TestMethod]
    public void SpanCorruptionWithBytes()
    {
        var texts = DistributedRun.Texts(48, seed: 6);
        int sentinels = SpanCorruption.SentinelsNeeded(MaxLength - 1, NoiseDensity, MeanSpan);
        Check(PretrainingObjective.SpanCorruption, TextTokenizer.Bytes(sentinels), encoderLayers: 1, decoderLayers: 1, texts);
    }

    [TestMethod]
    public void CausalLanguageModelWithBytes()
    {
        var texts = DistributedRun.Texts(48, seed: 7);
        Check(PretrainingObjective.CausalLanguageModel, TextTokenizer.Bytes(), encoderLayers: 0, decoderLayers: 2, texts);
    }

    private const int MaxLength = 24;
    private const double NoiseDensity = 0.15, MeanSpan = 3, MaskProbability = 0.15;

    private static void Check(PretrainingObjective kind, TextTokenizer tokenizer, int encoderLayers, int decoderLayers, string[] texts)
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        string root = TestPaths.NewTempDir();
        var ml = new MLContext(1);
        var options = new ModelOptions
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = encoderLayers, DecoderLayers = decoderLayers,
            FeedForwardDimension = 64, MaxLength = MaxLength, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        var network = new TextNetwork(options);
        DistributedRun.Randomize(network, seed: 3, std: 0.2);
        var settings = new PretrainingSettings("Text", "Loss", "Perplexity",
            new ObjectiveSettings(kind, MaxLength, NoiseDensity, MeanSpan, MaskProbability), ScoringBatchSize: 8);
        string model = Path.Combine(root, "start"), data = Path.Combine(root, "texts.txt");
        ModelFolder.Export(new TextPretrainingTransformer(ml, network, tokenizer, settings), model);
        File.WriteAllLines(data, texts);

        var run = DistributedRun.Run(root, model, data, steps: 3, "--batch-size", "8", "--learning-rate", "0.01");
        DistributedRun.AssertSameGradients(run, kind.ToString());
        var (trained, scores) = (run.Folder, run.Scores);
        var rows = ml.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t }));
        float[] mlnet = Losses(ml, ModelFolder.Import(ml, trained), rows), before = Losses(ml, ModelFolder.Import(ml, model), rows);
        float[] pytorch = scores["loss"];
        Assert.HasCount(texts.Length, pytorch);
        double scoreDifference = mlnet.Zip(pytorch).Max(p => Math.Abs(p.First - p.Second));
        double changed = mlnet.Zip(before).Max(p => Math.Abs(p.First - p.Second));
        Console.WriteLine($"RESULT ddp-import objective={kind} rows={texts.Length} max_abs_loss_difference={scoreDifference:E2} max_change_from_training={changed:E2}");
        Assert.IsGreaterThan(1e-2, changed, "training must have changed the losses");
        Assert.IsLessThanOrEqualTo(1e-4, scoreDifference);
    }

    private static float[] Losses(MLContext ml, ITransformer model, IDataView rows) =>
        [.. ml.Data.CreateEnumerable<Tests.Pretraining.PretrainingFixture.Scores>(model.Transform(rows), false).Select(s => s.Loss)];
}
