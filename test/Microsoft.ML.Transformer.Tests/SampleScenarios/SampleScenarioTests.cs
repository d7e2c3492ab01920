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
    public void BadCommandLinesAreNamed()
    {
        var e1 = Assert.Throws<ArgumentException>(() => SampleSettings.Parse(["classify", "--colour", "red"]));
        StringAssert.Contains(e1.Message, "--colour");
        var e2 = Assert.Throws<ArgumentException>(() => SampleSettings.Parse(["classify", "--device", "tpu"]));
        StringAssert.Contains(e2.Message, "--device");
    }
}
