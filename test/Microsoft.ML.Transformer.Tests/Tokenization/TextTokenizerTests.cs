using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

[TestClass]
public sealed class TextTokenizerTests
{
    private static IEnumerable<object[]> Kinds() => [["bytes"], ["bpe"], ["gpt2"]];

    private static TextTokenizer Make(string kind) => kind switch
    {
        "bytes" => TextTokenizer.Bytes(),
        "bpe" => TestCorpus.LearnedBpe,
        "gpt2" => TextTokenizer.Gpt2(),
        _ => throw new ArgumentException(kind),
    };

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void RoundTripIsLosslessOnHardText(string kind)
    {
        var tok = Make(kind);
        foreach (string text in HardText.Lossless)
        {
            int[] ids = tok.Encode(text);
            Assert.IsTrue(ids.All(id => id >= tok.Specials.Count && id < tok.VocabularySize), $"{kind}: id out of the ordinary range");
            Assert.AreEqual(text, tok.Decode(ids), $"{kind}: round trip of '{text[..Math.Min(40, text.Length)]}'");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void LoneSurrogateBecomesOneReplacementCharacter(string kind)
    {
        var tok = Make(kind);
        Assert.AreEqual("a\uFFFDb\uFFFDc", tok.Decode(tok.Encode("a\uD800b\uDC00c")));
        Assert.AreEqual("\uFFFD", tok.Decode(tok.Encode("\uD83D"))); // high surrogate at the very end
    }

    [TestMethod]
    public void SpecialIdsAreSkippedByDecodeAndNeverProducedByText()
    {
        var tok = TextTokenizer.Bytes(sentinelCount: 3);
        var s = tok.Specials;
        Assert.AreEqual(0, s.Pad);
        Assert.AreEqual(10, s.Count);
        Assert.AreEqual(266, tok.VocabularySize);
        int[] ids = tok.Encode("<pad><eos>");
        Assert.IsFalse(ids.Any(s.IsSpecial), "special token names in text are ordinary text");
        Assert.AreEqual("hi", tok.Decode([s.Begin, .. tok.Encode("h"), s.Sentinel(2), .. tok.Encode("i"), s.End, s.Pad]));
        Assert.AreEqual('A' + s.Count, tok.Encode("A")[0], "byte ids are the byte values, shifted");
    }

    [TestMethod]
    public void SpecialTokenLookupByName()
    {
        var s = new SpecialTokens(sentinelCount: 2);
        Assert.AreEqual(s.Mask, s.Id("<mask>"));
        Assert.AreEqual(s.Sentinel(1), s.Id("<extra_id_1>"));
        Assert.AreEqual(s.Count, s.Names.Distinct().Count());
        var e = Assert.Throws<ArgumentException>(() => s.Id("<bogus>"));
        StringAssert.Contains(e.Message, "<bogus>");
        StringAssert.Contains(e.Message, "<pad>");
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Sentinel(2));
    }

    [TestMethod]
    public void EmptyStringEncodesToNothing()
    {
        Assert.AreEqual(0, TextTokenizer.Bytes().Encode("").Length);
        Assert.AreEqual("", TextTokenizer.Gpt2().Decode([]));
    }

    [TestMethod]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => new TokenizerOptions { VocabularySize = 100 }.Validate());
        Assert.Throws<ArgumentException>(() => new TokenizerOptions { MaxLength = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new TokenizerOptions { Kind = TokenizerKind.Custom }.Validate());
        Assert.Throws<ArgumentException>(() => TextTokenizer.Create(new TokenizerOptions { Kind = TokenizerKind.LearnedBpe }));
        Assert.AreEqual(TokenizerKind.Bytes, TextTokenizer.Create(new TokenizerOptions { Kind = TokenizerKind.Bytes }).Kind);
    }
}
