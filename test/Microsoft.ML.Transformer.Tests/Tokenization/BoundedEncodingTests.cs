using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

[TestClass]
public sealed class BoundedEncodingTests
{
    private static readonly Lazy<TextTokenizer> Learned = new(() => TextTokenizer.Learn(GeneratedTexts(200, 7, 100), 600, 1000, seed: 1));

    public static IEnumerable<object[]> Kinds() => [["bytes"], ["bpe"], ["gpt2"], ["bpefiles"], ["bpefiles-plain"], ["custom"]];

    /// <summary>One tokenizer of each kind; the BPE files are the learned BPE's merges written as vocab.json/merges.txt content.</summary>
    internal static TextTokenizer Make(string kind) => kind switch
    {
        "bytes" => TextTokenizer.Bytes(),
        "bpe" => Learned.Value,
        "gpt2" => TextTokenizer.Gpt2(sentinelCount: 2),
        "bpefiles" => FromFiles(Learned.Value, byteLevel: true),
        "bpefiles-plain" => FromFiles(Learned.Value, byteLevel: false),
        "custom" => TextTokenizer.FromTokenizer(TiktokenTokenizer.CreateForModel("gpt2")),
        _ => throw new ArgumentException(kind),
    };

    private static TextTokenizer FromFiles(TextTokenizer learned, bool byteLevel)
    {
        var merges = learned.Source.Merges!;
        string vocab = JsonSerializer.Serialize(ByteLevelBpe.VocabularyFromMerges(merges));
        string lines = "#version: 0.2\n" + string.Join("\n", merges.Select(m => m.Left + " " + m.Right));
        return TextTokenizer.FromBpeFiles(vocab, lines, byteLevel);
    }

    /// <summary>
    /// Texts a user might send, and a few they should not: words, runs of spaces, tabs and newlines, punctuation,
    /// contractions, digits, emoji, CJK, combining marks, GPT-2's special token, lone surrogates, words of thousands
    /// of letters (shorter than <see cref="BoundedEncoding.LongestRun"/>).
    /// </summary>
    internal static IEnumerable<string> GeneratedTexts(int count, int seed, int maxWords)
    {
        string[] parts = ["the", "card", "Where", "is", "my", "4412", "3.14", "don't", "it's", "we'll", "!!", "?", "--", "...",
            "🙂", "👩‍👩‍👧", "中文", "日本語", "e\u0301", "<|endoftext|>", "\uD800", "\uDC00x", "naïve", "Ünïcødé", "\u0000", "\u00ad"];
        string[] gaps = [" ", " ", " ", "  ", "   ", "\t", "\n", " \n ", "\r\n", "", "\u00a0", " \t "];
        var random = new Random(seed);
        for (int t = 0; t < count; t++)
        {
            var sb = new StringBuilder();
            int words = random.Next(maxWords + 1);
            if (random.Next(4) == 0) sb.Append(gaps[random.Next(gaps.Length)]);
            for (int w = 0; w < words; w++)
            {
                int r = random.Next(100);
                // Long words end with a space, so that no unbroken run exceeds BoundedEncoding.LongestRun.
                if (r < 2) sb.Append(new string((char)('a' + random.Next(26)), random.Next(100, 900))).Append(' ');
                else if (r < 4) sb.Append(string.Concat(Enumerable.Range(0, random.Next(50, 900)).Select(_ => (char)('a' + random.Next(26))))).Append(' ');
                else sb.Append(parts[random.Next(parts.Length)]);
                sb.Append(gaps[random.Next(gaps.Length)]);
            }
            yield return sb.ToString();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void BoundedIdsAreTheWholeTextsIdsCut(string kind)
    {
        var tok = Make(kind);
        var random = new Random(11);
        int checkedTexts = 0;
        foreach (string text in GeneratedTexts(120, 3, 600))
        {
            int[] all = tok.EncodeWhole(text);
            CollectionAssert.AreEqual(all, tok.Encode(text), $"{kind}: the whole {text.Length}-char text, read in pieces");
            foreach (int limit in new[] { 1, 7, 126, 511, random.Next(1, 3000) })
            {
                int keep = Math.Min(limit, all.Length);
                CollectionAssert.AreEqual(all[..keep], tok.Encode(text, limit, TruncationSide.KeepHead), $"{kind}: head {limit} of a {text.Length}-char text");
                CollectionAssert.AreEqual(all[^keep..], tok.Encode(text, limit, TruncationSide.KeepTail), $"{kind}: tail {limit} of a {text.Length}-char text");
            }
            checkedTexts++;
        }
        Assert.AreEqual(120, checkedTexts);
    }

    [TestMethod]
    public void ZeroLimitOrEmptyTextGivesNoIds()
    {
        var tok = TextTokenizer.Bytes();
        Assert.AreEqual(0, tok.Encode("abc", 0, TruncationSide.KeepHead).Length);
        Assert.AreEqual(0, tok.Encode("", 5, TruncationSide.KeepTail).Length);
    }

    [TestMethod]
    [DataRow(TruncationSide.KeepHead)]
    [DataRow(TruncationSide.KeepTail)]
    public void AMegabyteTextIsReadOnlyAsFarAsTheLimitNeeds(TruncationSide side)
    {
        var random = new Random(5);
        string[] shapes =
        [
            string.Concat(Enumerable.Range(0, 1_000_000).Select(_ => (char)('a' + random.Next(26)))), // no spaces
            new string('x', 1_000_000),                                                               // one character
            string.Concat(Enumerable.Range(0, 1_000_000).Select(_ => (char)random.Next(0x10000))),    // random code units
            string.Concat(Enumerable.Repeat("word ", 200_000)),                                       // ordinary words
        ];
        var tok = TextTokenizer.Bytes();
        foreach (string text in shapes)
        {
            long read = 0;
            int[] Counting(string piece) { read += piece.Length; return tok.Encode(piece); }
            int[] ids = side == TruncationSide.KeepHead ? BoundedEncoding.Head(text, 32, Counting) : BoundedEncoding.Tail(text, 32, Counting);
            Assert.AreEqual(32, ids.Length);
            Assert.IsTrue(read <= BoundedEncoding.LongestRun, $"read {read} characters of {text.Length} for 32 ids");
        }
    }

    [TestMethod]
    public void AWholeMegabyteTextIsEncodedInPiecesThatDecodeToIt()
    {
        // Plain Encode (pretraining's packed stream and scoring, corpus surveys) reads a long text in pieces too.
        var random = new Random(6);
        string text = string.Concat(Enumerable.Range(0, 1_000_000).Select(_ => (char)('a' + random.Next(26))));
        var tok = Learned.Value;
        int[] ids = tok.Encode(text);
        Assert.AreEqual(text, tok.Decode(ids), "every piece, in order");
        CollectionAssert.AreEqual(ids[..32], tok.Encode(text, 32, TruncationSide.KeepHead), "the head of the whole is the bounded head");
    }

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void AHugeUnbrokenWordIsCutAndStillDecodesToItsKeptEnd(string kind)
    {
        var tok = Make(kind);
        string word = new('q', 50_000);
        int[] head = tok.Encode(word, 16, TruncationSide.KeepHead), tail = tok.Encode(word, 16, TruncationSide.KeepTail);
        Assert.AreEqual(16, head.Length);
        Assert.AreEqual(16, tail.Length);
        Assert.IsTrue(tok.Decode(head).All(c => c == 'q') && tok.Decode(tail).All(c => c == 'q'), kind);
    }
}
