using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.QuestionAnswering;

/// <summary>How a question and a long context become windows: every word read, consecutive windows overlapping by the stride.</summary>
[TestClass]
public sealed class QaWindowsTests
{
    private static readonly TextTokenizer Bytes = TextTokenizer.Create(new TokenizerOptions { Kind = TokenizerKind.Bytes }, []);

    [TestMethod]
    public void WindowsCoverEveryWordAndShareUpToTheStride()
    {
        string context = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"w{i}"));   // 40 words, " wN" is 3-4 byte tokens
        var words = EntityWords.Split(context);
        var settings = new QaSettings("Context", "Question", MaxLength: 40, Stride: 10, MaxAnswerWords: 5, TopK: 1, ScoringBatchSize: 8);
        var windows = QaWindows.Split(Bytes, settings, 0, "where?", context, words).ToArray();
        Assert.IsGreaterThan(3, windows.Length);
        int question = Bytes.Encode("where?").Length;
        var seen = new HashSet<int>();
        for (int k = 0; k < windows.Length; k++)
        {
            var w = windows[k];
            Assert.IsLessThanOrEqualTo(40, w.Ids.Length, $"window {k}");
            Assert.AreEqual(Bytes.Specials.Classification, w.Ids[0]);
            Assert.AreEqual(Bytes.Specials.Separator, w.Ids[1 + question]);
            Assert.AreEqual(Bytes.Specials.Separator, w.Ids[^1]);
            Assert.AreEqual(2 + question, w.Positions[0], "the context starts after the question");
            for (int i = 0; i < w.Positions.Length; i++)
            {
                seen.Add(w.FirstWord + i);
                CollectionAssert.AreEqual(Bytes.Encode((w.FirstWord + i > 0 ? " " : "") + words[w.FirstWord + i].Text).Take(1).ToArray(),
                    w.Ids.Skip(w.Positions[i]).Take(1).ToArray(), $"window {k} word {i} starts at its first sub-word");
            }
            if (k > 0)
            {
                var previous = windows[k - 1];
                int previousEnd = previous.FirstWord + previous.Positions.Length;
                Assert.IsGreaterThan(previous.FirstWord, w.FirstWord, "windows move on");
                int sharedTokens = previous.Ids.Length - 1 - previous.Positions[w.FirstWord - previous.FirstWord];
                Assert.IsLessThanOrEqualTo(10, sharedTokens, $"window {k} shares at most the stride");
                Assert.IsGreaterThan(10 - 5, sharedTokens, $"window {k} shares nearly the stride (one word is at most 4 tokens)");
                Assert.IsLessThan(previousEnd, w.FirstWord, "consecutive windows overlap");
            }
        }
        Assert.HasCount(40, seen, "every word is in some window");
    }

    [TestMethod]
    public void ALongQuestionKeepsHalfTheWindow()
    {
        var settings = new QaSettings("Context", "Question", MaxLength: 20, Stride: 0, MaxAnswerWords: 5, TopK: 1, ScoringBatchSize: 8);
        var windows = QaWindows.Split(Bytes, settings, 0, new string('q', 100), "a b c", EntityWords.Split("a b c")).ToArray();
        Assert.HasCount(1, windows);
        Assert.AreEqual((20 - 3) / 2 + 2, windows[0].Positions[0]);
    }

    [TestMethod]
    public void AContextWithoutWordsHasNoWindow() =>
        Assert.IsEmpty(QaWindows.Split(Bytes, new QaSettings("C", "Q", 20, 4, 5, 1, 8), 0, "why?", " ", EntityWords.Split(" ")).ToArray());
}
