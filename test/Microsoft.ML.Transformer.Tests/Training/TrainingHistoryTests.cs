using System.Buffers.Binary;
using System.Globalization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class TrainingHistoryTests
{
    [TestMethod]
    public void ProgressReadsAsOneLogLineInAnyCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // a decimal comma must not leak in
        try
        {
            var progress = new TrainingProgress(50, 400, 0, 2.31041, 2.40117, 3e-4, 0.8123, 2105.4,
                TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(217), null);
            Assert.AreEqual("step 50/400 epoch 1: loss 2.3104 (smoothed 2.4012), lr 3.00E-004, gradient norm 0.812, " +
                "2105 tokens/s, 00:00:31 elapsed, 00:03:37 left", progress.ToString());
            var validated = progress with { TotalSteps = null, EstimatedTimeLeft = null, ValidationMetric = 0.25 };
            Assert.EndsWith("00:00:31 elapsed, validation 0.25", validated.ToString());
            StringAssert.StartsWith(validated.ToString(), "step 50 epoch 1:");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static TrainingHistory TrainedHistory()
    {
        var train = new ToyProblem(rows: 256, seed: 41);
        var validation = new ToyProblem(rows: 128, seed: 43);
        var model = ToyProblem.Mlp(initSeed: 47);
        var options = ToyProblem.Options(epochs: 3);
        using var loop = new TrainingLoop(model, options);
        loop.Run(epoch => train.Batches(32, epoch, 42), batch => ToyProblem.Loss(model, batch), () => validation.MeanLoss(model));
        return loop.History;
    }

    [TestMethod]
    public void CsvHasAHeaderAndOneRowPerStepWithTheValidationMetricAtEachEpochEnd()
    {
        var history = TrainedHistory();
        string path = Path.Combine(TestPaths.NewTempDir(), "curve.csv");
        history.SaveCsv(path);

        string[] lines = File.ReadAllLines(path);
        Assert.AreEqual("step,epoch,loss,smoothed_loss,learning_rate,gradient_norm,tokens_per_second,elapsed_seconds,validation_metric", lines[0]);
        Assert.HasCount(1 + 24, lines, "3 epochs of 8 steps");
        string[][] rows = lines[1..].Select(l => l.Split(',')).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, 24).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(), rows.Select(r => r[0]).ToList());
        CollectionAssert.AreEqual(new[] { "8", "16", "24" }, rows.Where(r => r[8].Length > 0).Select(r => r[0]).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(history.Records[i].Loss, double.Parse(rows[i][2], CultureInfo.InvariantCulture), "round-trips exactly");
            Assert.AreEqual(i / 8, int.Parse(rows[i][1], CultureInfo.InvariantCulture));
        }
    }

    [TestMethod]
    public void PngIsAValidImageOfTheRequestedSize()
    {
        var history = TrainedHistory();
        string path = Path.Combine(TestPaths.NewTempDir(), "curve.png");
        history.SavePng(path, "toy classifier", width: 640, height: 360);

        byte[] png = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.AreEqual(640, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.AreEqual(360, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.IsGreaterThan(5_000, png.Length, "a chart with lines and text, not a blank image");
        Assert.AreEqual("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
    }

    [TestMethod]
    public void AnEmptyHistoryStillDraws()
    {
        string path = Path.Combine(TestPaths.NewTempDir(), "empty.png");
        new TrainingHistory().SavePng(path, "nothing yet");
        Assert.IsGreaterThan(0, new FileInfo(path).Length);
    }
}
