using System.Diagnostics;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Batching;

[TestClass]
public sealed class StreamingTests
{
    public TestContext TestContext { get; set; } = null!;

    private sealed class Row
    {
        public string Text { get; set; } = "";
    }

    private static IEnumerable<Row> Generate(int n)
    {
        for (int i = 0; i < n; i++) yield return new Row { Text = $"row {i} card {i % 977}" };
    }

    [TestMethod]
    public void AMillionRowsStreamInBoundedMemory()
    {
        const int Rows = 1_000_000;
        var data = new MLContext(seed: 1).Data.LoadFromEnumerable(Generate(Rows));
        var reader = new RowReader(data, "Text");
        var encoder = new SequenceEncoder(TextTokenizer.Bytes(), BatchLayout.Single, maxLength: 32);
        var batcher = new Batcher(encoder, BatcherOptions.ForTraining(256, seed: 1, withLabels: false));

        GC.Collect();
        var process = Process.GetCurrentProcess();
        long managedBefore = GC.GetTotalMemory(true), rssBefore = process.WorkingSet64;
        long peakManaged = 0, peakRss = 0, seen = 0;
        var sw = Stopwatch.StartNew();
        int n = 0;
        foreach (var b in batcher.Batches(reader.Read()))
        {
            using (b) seen += b.Count;
            if (++n % 200 == 0)
            {
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                process.Refresh();
                peakRss = Math.Max(peakRss, process.WorkingSet64);
            }
        }
        sw.Stop();
        Assert.AreEqual(Rows, seen);
        TestContext.WriteLine($"{Rows} rows, {n} batches in {sw.Elapsed.TotalSeconds:F1} s; managed heap peak {peakManaged >> 20} MiB (before {managedBefore >> 20}), "
            + $"working set peak {peakRss >> 20} MiB (before {rssBefore >> 20})");
        // The rows alone are ~100 MB as strings and more as tensors: a bounded pipeline stays far below that.
        Assert.IsLessThan(managedBefore + (150L << 20), peakManaged);
        Assert.IsLessThan(rssBefore + (400L << 20), peakRss);
    }
}
