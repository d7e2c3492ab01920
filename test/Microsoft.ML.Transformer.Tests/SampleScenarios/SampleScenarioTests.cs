using Microsoft.ML.Transformer.Samples;
using Microsoft.ML.Transformer.Samples.Scenarios;

namespace Microsoft.ML.Transformer.Tests.SampleScenarios;

/// <summary>Runs every sample scenario on tiny settings, so the samples never rot.</summary>
[TestClass]
public sealed class SampleScenarioTests
{
    [TestMethod]
    public void ClassifyOnGeneratedData()
    {
        string output = TestPaths.NewTempDir();
        string zip = ClassifyScenario.Run(SampleSettings.Parse(["classify", "--tiny", "--out", output]));
        Assert.IsTrue(File.Exists(zip));
        Assert.IsTrue(File.Exists(Path.Combine(output, "classifier-training.png")));
        Assert.IsTrue(File.Exists(Path.Combine(output, "classifier-training.csv")));
    }

    [TestMethod]
    public void ClassifyOnTheUsersOwnCsv()
    {
        string output = TestPaths.NewTempDir();
        string csv = Path.Combine(output, "tickets.csv");
        var rows = Microsoft.ML.Transformer.Samples.Data.SupportRequests.Generate(300, seed: 3);
        File.WriteAllLines(csv, rows.Select(r => $"\"{r.Text.Replace("\"", "\"\"")}\",{r.Intent}").Prepend("body,topic"));
        string zip = ClassifyScenario.Run(SampleSettings.Parse(["classify", "--tiny", "--out", output, "--data", csv, "--text-column", "body", "--label-column", "topic"]));
        Assert.IsTrue(File.Exists(zip));
    }

    [TestMethod]
    public void SimilarityOnGeneratedPairs()
    {
        string output = TestPaths.NewTempDir();
        Assert.IsTrue(File.Exists(SimilarityScenario.Run(SampleSettings.Parse(["similarity", "--tiny", "--out", output]))));
    }

    [TestMethod]
    public void NerOnGeneratedSentences()
    {
        string output = TestPaths.NewTempDir();
        Assert.IsTrue(File.Exists(NerScenario.Run(SampleSettings.Parse(["ner", "--tiny", "--out", output]))));
    }

    [TestMethod]
    public void QaOnGeneratedDescriptions()
    {
        string output = TestPaths.NewTempDir();
        Assert.IsTrue(File.Exists(QaScenario.Run(SampleSettings.Parse(["qa", "--tiny", "--out", output]))));
    }

    private static readonly Lazy<(string Output, ITransformer Model)> Pretrained = new(() =>
    {
        string output = TestPaths.NewTempDir();
        return (output, PretrainScenario.Run(SampleSettings.Parse(["pretrain", "--tiny", "--out", output])));
    });

    [TestMethod]
    public void PretrainWritesModelAndCurve()
    {
        var (output, model) = Pretrained.Value;
        Assert.IsNotNull(model);
        Assert.IsTrue(File.Exists(Path.Combine(output, "pretrained.zip")));
        Assert.IsTrue(File.Exists(Path.Combine(output, "pretraining.png")));
    }

    [TestMethod]
    public void FineTuneFromThePretrainedModel()
    {
        string output = TestPaths.NewTempDir();
        Assert.IsTrue(File.Exists(ClassifyScenario.Run(SampleSettings.Parse(["main", "--tiny", "--out", output]), Pretrained.Value.Model)));
    }

    [TestMethod]
    public void EmbedAndAttention()
    {
        string output = TestPaths.NewTempDir();
        var settings = SampleSettings.Parse(["embed", "--tiny", "--out", output]);
        EmbedScenario.Run(settings, Pretrained.Value.Model);
        AttentionScenario.Run(settings, Pretrained.Value.Model);
        Assert.IsTrue(Directory.EnumerateFiles(output, "attention-*.png").Any());
    }

    [TestMethod]
    public async Task GenerateEvaluatesSavesReloadsAndStreams()
    {
        string output = TestPaths.NewTempDir();
        var outcome = await GenerateScenario.RunAsync(SampleSettings.Parse(["generate", "--tiny", "--out", output]));
        Assert.IsTrue(File.Exists(outcome.ModelPath));
        Assert.IsTrue(File.Exists(Path.Combine(output, "generator-training.png")));
        Assert.IsTrue(File.Exists(Path.Combine(output, "generator-training.csv")));
        foreach (var metrics in new[] { outcome.Greedy, outcome.Beam })
        {
            Assert.IsGreaterThan(0L, metrics.Count);
            foreach (double value in new[] { metrics.Bleu, metrics.ChrF, metrics.RougeL, metrics.ExactMatch })
                Assert.IsTrue(value is >= 0 and <= 100, $"A metric out of [0, 100]: {value}.");
        }
        Assert.IsTrue(outcome.Greedy.Loss is > 0 && double.IsFinite(outcome.Greedy.Loss.Value), "The evaluator was given the model: it measures the loss.");
        // The streamed pieces of the fitted model join into what the reloaded zip's PredictionEngine writes.
        Assert.AreEqual(outcome.ReloadedText, outcome.StreamedText);
    }

    [TestMethod]
    public async Task GenerateOnTheUsersOwnTsv()
    {
        string output = TestPaths.NewTempDir();
        string tsv = Path.Combine(output, "dates.tsv");
        var rows = Microsoft.ML.Transformer.Samples.Data.DateNormalisation.Generate(200, seed: 3);
        File.WriteAllLines(tsv, rows.Select(r => $"{r.Source}\t{r.Target}").Prepend("written\tiso"));
        var outcome = await GenerateScenario.RunAsync(SampleSettings.Parse(
            ["generate", "--tiny", "--out", output, "--data", tsv, "--source-column", "written", "--target-column", "iso"]));
        Assert.IsTrue(File.Exists(outcome.ModelPath));
        Assert.IsTrue(outcome.Greedy.Count is > 10 and < 100, $"About a fifth of the 200 rows is held out; {outcome.Greedy.Count} were.");
    }

    [TestMethod]
    public void BadCommandLinesAreNamed()
    {
        var e1 = Assert.Throws<ArgumentException>(() => SampleSettings.Parse(["classify", "--colour", "red"]));
        StringAssert.Contains(e1.Message, "--colour");
        var e2 = Assert.Throws<ArgumentException>(() => SampleSettings.Parse(["classify", "--device", "tpu"]));
        StringAssert.Contains(e2.Message, "--device");
    }
}
