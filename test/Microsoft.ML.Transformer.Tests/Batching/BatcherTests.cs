using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Tests.Tokenization;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Transformer.Tests.Batching;

[TestClass]
public sealed class BatcherTests
{
    public TestContext TestContext { get; set; } = null!;

    private static IEnumerable<TextRow> CorpusRows() => TestCorpus.Train.Select((t, i) => new TextRow(i, t, null, i % 77));

    private static (long Real, long Total, int Batches) Measure(IEnumerable<TokenBatch> batches)
    {
        long real = 0, total = 0;
        int n = 0;
        foreach (var b in batches)
            using (b)
            {
                real += b.RealTokens;
                total += b.TotalTokens;
                n++;
            }
        return (real, total, n);
    }

    [TestMethod]
    public void BucketingAndDynamicPaddingCutPaddingAtLeastThreeTimes()
    {
        var encoder = new SequenceEncoder(TestCorpus.LearnedBpe, BatchLayout.Single, maxLength: 128);
        var (real, total, batches) = Measure(new Batcher(encoder, BatcherOptions.ForTraining(32, seed: 1)).Batches(CorpusRows()));
        int longest = TestCorpus.Train.Max(t => TestCorpus.LearnedBpe.Encode(t).Length) + 2;
        long rows = TestCorpus.Train.Length;
        double bucketed = 1 - (double)real / total;
        double toLongest = 1 - (double)real / (rows * longest);
        double toMax = 1 - (double)real / (rows * 128);
        TestContext.WriteLine($"padded fraction: bucketed+dynamic {bucketed:P2} ({batches} batches), padded to longest row {longest}: {toLongest:P2} "
            + $"(factor {toLongest / bucketed:F1}x), padded to MaxLength 128: {toMax:P2} (factor {toMax / bucketed:F1}x)");
        Assert.IsGreaterThanOrEqualTo(3.0, toLongest / bucketed);
    }

    [TestMethod]
    public void InferenceKeepsOrderOrReturnsRowIndicesToRestoreIt()
    {
        var encoder = new SequenceEncoder(TextTokenizer.Bytes(), BatchLayout.Single, maxLength: 64);
        var rows = CorpusRows().Take(1000).ToList();
        var plain = new Batcher(encoder, new BatcherOptions { BatchSize = 16, Bucketing = false });
        var sequential = plain.Batches(rows).SelectMany(b => { using (b) return b.RowIndices; }).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Select(i => (long)i).ToArray(), sequential);

        var bucketed = new Batcher(encoder, new BatcherOptions { BatchSize = 16, Bucketing = true, BucketWindowBatches = 10 });
        var restored = new string[1000];
        foreach (var b in bucketed.Batches(rows))
            using (b)
            {
                var ids = b.Ids.data<long>().ToArray();
                int t = (int)b.Ids.shape[1];
                for (int i = 0; i < b.Count; i++)
                {
                    int len = (int)b.Lengths[i].item<long>();
                    restored[b.RowIndices[i]] = TextTokenizer.Bytes().Decode(ids.Skip(i * t).Take(len).Select(x => (int)x).ToArray());
                }
            }
        for (int i = 0; i < rows.Count; i++)
            Assert.AreEqual(TextTokenizer.Bytes().Decode(TextTokenizer.Bytes().Encode(rows[i].Text).Take(62).ToArray()), restored[i], $"row {i}");
    }

    [TestMethod]
    public void BatchTensorsHaveTheDocumentedShapesAndMasks()
    {
        var tok = TextTokenizer.Bytes();
        var encoder = new SequenceEncoder(tok, BatchLayout.Single, maxLength: 16);
        using var b = new Batcher(encoder, new BatcherOptions { BatchSize = 8, WithLabels = true, Bucketing = false, Device = torch.CPU })
            .Batches([new TextRow(0, "hi", null, 5), new TextRow(1, "hello", null, 7)]).Single();
        CollectionAssert.AreEqual(new long[] { 2, 7 }, b.Ids.shape);
        Assert.AreEqual(torch.ScalarType.Int64, b.Ids.dtype);
        Assert.AreEqual(torch.ScalarType.Bool, b.PaddingMask.dtype);
        var s = tok.Specials;
        CollectionAssert.AreEqual(new long[] { s.Classification, 'h' + s.Count, 'i' + s.Count, s.Separator, 0, 0, 0 }, b.Ids[0].data<long>().ToArray());
        CollectionAssert.AreEqual(new[] { false, false, false, false, true, true, true }, b.PaddingMask[0].data<bool>().ToArray());
        CollectionAssert.AreEqual(new long[] { 4, 7 }, b.Lengths.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 5, 7 }, b.Labels!.data<long>().ToArray());
    }

    [TestMethod]
    public void Seq2SeqShiftsTheDecoderInputAndIgnoresPaddedLabels()
    {
        var tok = TextTokenizer.Bytes();
        var s = tok.Specials;
        var encoder = new SequenceEncoder(tok, BatchLayout.Seq2Seq, maxLength: 8, targetMaxLength: 4);
        using var b = new Batcher(encoder, new BatcherOptions { BatchSize = 8, Bucketing = false })
            .Batches([new TextRow(0, "ab", "xy"), new TextRow(1, "c", "zzzzzz")]).Single();
        long x = 'x' + s.Count, y = 'y' + s.Count, z = 'z' + s.Count;
        CollectionAssert.AreEqual(new long[] { 'a' + s.Count, 'b' + s.Count, s.End }, b.Ids[0].data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { s.Begin, x, y, s.Pad, s.Begin, z, z, z }, b.DecoderInput!.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { x, y, s.End, TokenBatch.IgnoreIndex, z, z, z, s.End }, b.Labels!.data<long>().ToArray());
        CollectionAssert.AreEqual(new[] { false, false, false, true, false, false, false, false }, b.DecoderPaddingMask!.data<bool>().ToArray());
        Assert.AreEqual(1, encoder.TruncatedRows);
    }

    [TestMethod]
    public void PairInputIsConcatenatedAndTruncatedWithinMaxLength()
    {
        var tok = TextTokenizer.Bytes();
        var s = tok.Specials;
        var encoder = new SequenceEncoder(tok, BatchLayout.Pair, maxLength: 9);
        var (short1, _) = encoder.Encode(new TextRow(0, "ab", "c"));
        CollectionAssert.AreEqual(new[] { s.Classification, 'a' + s.Count, 'b' + s.Count, s.Separator, 'c' + s.Count, s.Separator }, short1);
        var (longer, _) = encoder.Encode(new TextRow(1, "aaaaaaaa", "b"));
        Assert.AreEqual(9, longer.Length);
        Assert.AreEqual(5, longer.Count(id => id == 'a' + s.Count), "the longer text gives up the tokens");
        var (both, _) = encoder.Encode(new TextRow(2, "aaaaaaaa", "bbbbbbbb"));
        Assert.AreEqual(9, both.Length);
        Assert.AreEqual(2, encoder.TruncatedRows);

        var e = Assert.Throws<ArgumentException>(() => new SequenceEncoder(tok, BatchLayout.Pair, maxLength: 3));
        StringAssert.Contains(e.Message, "MaxLength 3");
        StringAssert.Contains(e.Message, "[CLS] a [SEP] b [SEP]");
        Assert.Throws<ArgumentException>(() => new SequenceEncoder(tok, BatchLayout.Single, maxLength: 2));
    }

    [TestMethod]
    public void LongTextIsCutBySlicingIdsOnTheConfiguredSideAndReported()
    {
        var tok = TestCorpus.LearnedBpe;
        int[] all = tok.Encode(HardText.Long);
        var head = new SequenceEncoder(tok, BatchLayout.Single, maxLength: 100);
        var tail = new SequenceEncoder(tok, BatchLayout.Single, maxLength: 100, side: TruncationSide.KeepTail);
        var (h, _) = head.Encode(new TextRow(0, HardText.Long));
        var (t, _) = tail.Encode(new TextRow(0, HardText.Long));
        CollectionAssert.AreEqual(all[..98], h[1..^1]);
        CollectionAssert.AreEqual(all[^98..], t[1..^1]);
        var log = new List<string>();
        foreach (var b in new Batcher(head, new BatcherOptions { BatchSize = 32 }, log.Add).Batches([new TextRow(1, "short"), new TextRow(2, HardText.Long)])) b.Dispose();
        StringAssert.Contains(log.Single(), "2 of 3 row(s) were longer than MaxLength 100");
    }

    [TestMethod]
    public void TokenBudgetBoundsEveryBatchAndShuffleIsSeeded()
    {
        var encoder = new SequenceEncoder(TestCorpus.LearnedBpe, BatchLayout.Single, maxLength: 128);
        var options = new BatcherOptions { BatchSize = 64, MaxTokensPerBatch = 600, Shuffle = true, Seed = 5, ShuffleBufferRows = 2000 };
        var first = new List<long>();
        foreach (var b in new Batcher(encoder, options).Batches(CorpusRows().Take(3000)))
            using (b)
            {
                Assert.IsTrue(b.Ids.numel() <= 600 || b.Count == 1, $"batch of {b.Count} x {b.Ids.shape[1]} over the budget");
                first.AddRange(b.RowIndices);
            }
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 3000).Select(i => (long)i).ToArray(), first);
        var second = new Batcher(encoder, options).Batches(CorpusRows().Take(3000)).SelectMany(b => { using (b) return b.RowIndices; });
        CollectionAssert.AreEqual(first, second.ToList());
    }
}
