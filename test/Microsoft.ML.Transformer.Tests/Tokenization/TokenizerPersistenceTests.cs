using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

[TestClass]
public sealed class TokenizerPersistenceTests
{
    private static void AssertSameIds(TextTokenizer a, TextTokenizer b)
    {
        Assert.AreEqual(a.Kind, b.Kind);
        Assert.AreEqual(a.VocabularySize, b.VocabularySize);
        Assert.AreEqual(a.Fingerprint, b.Fingerprint);
        foreach (string t in TestCorpus.Train.Concat(HardText.Lossless))
            CollectionAssert.AreEqual(a.Encode(t), b.Encode(t), t);
    }

    [TestMethod]
    public void BytesLearnedBpeAndGpt2ReloadWithIdenticalIds()
    {
        foreach (var tok in new[] { TextTokenizer.Bytes(2), TestCorpus.LearnedBpe, TextTokenizer.Gpt2(5) })
        {
            byte[] saved = tok.ToBytes();
            AssertSameIds(tok, TextTokenizer.FromBytes(saved));
            using var stream = new MemoryStream();
            tok.Save(stream);
            stream.Position = 0;
            AssertSameIds(tok, TextTokenizer.Load(stream));
        }
    }

    [TestMethod]
    public void BpeFilesReloadFromTheirSavedContentWithoutTheFiles()
    {
        // Write the learned BPE as standard vocab.json + merges.txt files, use them as a user would, delete them.
        var learned = TestCorpus.LearnedBpe;
        var bpe = (BpeTokenizer)learned.Inner;
        string dir = TestPaths.NewTempDir();
        string vocabPath = Path.Combine(dir, "vocab.json"), mergesPath = Path.Combine(dir, "merges.txt");
        File.WriteAllText(vocabPath, JsonSerializer.Serialize(bpe.Vocabulary.ToDictionary()));
        File.WriteAllText(mergesPath, "#version: 0.2\n" + string.Join("\n", learned.Source.Merges!.Select(m => m.Left + " " + m.Right)) + "\n");
        var fromFiles = TextTokenizer.Create(new TokenizerOptions { Kind = TokenizerKind.BpeFiles, BpeVocabularyFile = vocabPath, BpeMergesFile = mergesPath });
        byte[] saved = fromFiles.ToBytes();
        Directory.Delete(dir, recursive: true);

        var reloaded = TextTokenizer.FromBytes(saved);
        AssertSameIds(fromFiles, reloaded);
        foreach (string t in TestCorpus.Test.Take(500))
            CollectionAssert.AreEqual(learned.Encode(t), reloaded.Encode(t), "files made from the learned BPE give its ids");
    }

    [TestMethod]
    public void CustomTokenizerWorksButSavingNamesItsType()
    {
        var custom = TextTokenizer.FromTokenizer(TiktokenTokenizer.CreateForModel("gpt2"));
        Assert.AreEqual("hello 🙂", custom.Decode(custom.Encode("hello 🙂")));
        Assert.AreEqual(TextTokenizer.Gpt2().VocabularySize, custom.VocabularySize);
        Assert.AreEqual(64, custom.Fingerprint.Length);
        var e = Assert.Throws<NotSupportedException>(() => custom.ToBytes());
        StringAssert.Contains(e.Message, "Microsoft.ML.Tokenizers.TiktokenTokenizer");
    }

    [TestMethod]
    public void FingerprintsDifferBetweenTokenizersAndSentinelCounts()
    {
        string[] prints = [TextTokenizer.Bytes().Fingerprint, TextTokenizer.Bytes(1).Fingerprint, TextTokenizer.Gpt2().Fingerprint, TestCorpus.LearnedBpe.Fingerprint];
        Assert.AreEqual(prints.Length, prints.Distinct().Count());
        Assert.AreEqual(TextTokenizer.Bytes().Fingerprint, TextTokenizer.Bytes().Fingerprint);
    }

    [TestMethod]
    public void DamagedBlobFailsClearly()
    {
        byte[] saved = TestCorpus.LearnedBpe.ToBytes();
        Assert.Throws<InvalidDataException>(() => TextTokenizer.FromBytes(saved[..(saved.Length / 2)]));
        Assert.Throws<InvalidDataException>(() => TextTokenizer.FromBytes(Encoding.UTF8.GetBytes("not a tokenizer at all")));
    }
}
