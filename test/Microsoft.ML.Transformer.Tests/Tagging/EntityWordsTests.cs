using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer.Tests.Tagging;

[TestClass]
public sealed class EntityWordsTests
{
    private static string Show(string text) => string.Join("|", EntityWords.Split(text).Select(w => $"{w.Text}@{w.Start}"));

    [TestMethod]
    [DataRow("The Eagle, near Café Rouge.", "The@0|Eagle@4|,@9|near@11|Café@16|Rouge@21|.@26", DisplayName = "punctuation is a word of its own")]
    [DataRow("  £20-25 ", "£@2|20@3|-@5|25@6", DisplayName = "symbols split numbers; spaces are dropped")]
    [DataRow("a 😀b", "a@0|😀@2|b@4", DisplayName = "a surrogate pair stays one character")]
    [DataRow("naïve cafe\u0301", "naïve@0|cafe\u0301@6", DisplayName = "combining marks stay in their word")]
    [DataRow("", "", DisplayName = "no words")]
    public void SplitsIntoRunsOfLettersAndDigitsAndSingleOtherCharacters(string text, string expected)
    {
        Assert.AreEqual(expected, Show(text));
    }

    [TestMethod]
    public void LabelsTurnCharacterSpansIntoBioOrIo()
    {
        const string text = "The Eagle, near Café Rouge.";
        var spans = new[] { (0, 9, "name"), (16, 10, "near") };
        CollectionAssert.AreEqual(new[] { "B-name", "I-name", "O", "O", "B-near", "I-near", "O" }, EntityWords.Labels(text, spans));
        CollectionAssert.AreEqual(new[] { "I-name", "I-name", "O", "O", "I-near", "I-near", "O" }, EntityWords.Labels(text, spans, io: true));
    }

    [TestMethod]
    public void LabelsRefuseSpansOutsideTheTextOrSharingAWord()
    {
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => EntityWords.Labels("ab cd", [(3, 5, "x")])).Message, "not a non-empty typed span");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => EntityWords.Labels("abcd", [(0, 2, "x"), (2, 2, "y")])).Message, "shares word 0 ('abcd')");
    }
}
