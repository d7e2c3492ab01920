using System.Diagnostics;
using System.Text;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

[TestClass]
public sealed class BpeTrainerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void SameSeedAndDataGiveTheSameMerges()
    {
        string[] texts = TestCorpus.Train[..3000];
        var a = new BpeTrainer(2000, 1000, seed: 7).Train(texts);
        var b = new BpeTrainer(2000, 1000, seed: 7).Train(texts);
        var c = new BpeTrainer(2000, 1000, seed: 8).Train(texts);
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c, "a different seed samples different rows");
        Assert.AreEqual(TextTokenizer.LearnedBpe(a).Fingerprint, TextTokenizer.LearnedBpe(b).Fingerprint);
    }

    [TestMethod]
    public void LearningIsFastAndRespectsTheVocabularySize()
    {
        var sw = Stopwatch.StartNew();
        var merges = new BpeTrainer(8000, 50_000, seed: 1).Train(TestCorpus.Train);
        sw.Stop();
        var tok = TextTokenizer.LearnedBpe(merges);
        TestContext.WriteLine($"learned {merges.Count} merges, base vocabulary {tok.BaseVocabularySize}, in {sw.Elapsed.TotalSeconds:F2} s");
        Assert.IsLessThanOrEqualTo(8000, tok.BaseVocabularySize);
        Assert.IsGreaterThan(2000, merges.Count);
        Assert.IsLessThan(15.0, sw.Elapsed.TotalSeconds);
    }

    [TestMethod]
    public void LearnedBpeCompressesHeldOutTextOfItsDomainBetterThanGpt2()
    {
        var bpe = TestCorpus.LearnedBpe;
        var gpt2 = TextTokenizer.Gpt2();
        long bytes = TestCorpus.Test.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        double bpeRatio = (double)bytes / TestCorpus.Test.Sum(t => (long)bpe.Encode(t).Length);
        double gptRatio = (double)bytes / TestCorpus.Test.Sum(t => (long)gpt2.Encode(t).Length);
        TestContext.WriteLine($"generated corpus, held-out rows: bytes/token learned BPE (8000) = {bpeRatio:F2}, GPT-2 = {gptRatio:F2}");
        Assert.IsGreaterThanOrEqualTo(4.0, bpeRatio);
        Assert.IsGreaterThan(gptRatio * 1.5, bpeRatio, "a vocabulary learned from the domain beats a general one on it");
    }

    // Needs the real data set: a claim about English text that generated text cannot stand in for.
    [TestMethod]
    [TestCategory(TestPaths.SharedDataCategory)]
    public void LearnedBpeCompressesBanking77AtLeastFourTimes()
    {
        var bpe = Banking77.LearnedBpe;
        var gpt2 = TextTokenizer.Gpt2();
        foreach (var (split, texts) in new[] { ("train", Banking77.Train), ("test", Banking77.Test) })
        {
            long bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
            long bpeTokens = texts.Sum(t => (long)bpe.Encode(t).Length);
            long gptTokens = texts.Sum(t => (long)gpt2.Encode(t).Length);
            double bpeRatio = (double)bytes / bpeTokens, gptRatio = (double)bytes / gptTokens;
            TestContext.WriteLine($"banking77 {split}: bytes/token learned BPE (8000) = {bpeRatio:F2}, GPT-2 = {gptRatio:F2} ({bytes} bytes, {bpeTokens} vs {gptTokens} tokens)");
            if (split == "train") Assert.IsGreaterThanOrEqualTo(4.0, bpeRatio);
            Assert.IsGreaterThanOrEqualTo(3.5, gptRatio);
        }
    }

    [TestMethod]
    public void BoundedSampleStillLearns()
    {
        // 200 rows out of 10,000: the sample, not the data set, decides the cost.
        var merges = new BpeTrainer(1000, 200, seed: 3).Train(TestCorpus.Train);
        Assert.IsGreaterThan(100, merges.Count);
        var tok = TextTokenizer.LearnedBpe(merges);
        foreach (string t in TestCorpus.Test.Take(200)) Assert.AreEqual(t, tok.Decode(tok.Encode(t)));
    }
}
