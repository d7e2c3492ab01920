using System.Buffers.Binary;
using System.Globalization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class TrainingHistoryTests
{
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
