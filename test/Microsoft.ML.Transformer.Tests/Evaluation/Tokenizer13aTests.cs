using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>Expected tokens worked out by hand from the rules of mteval-v13a.pl (see Tokenizer13a).</summary>
[TestClass]
public sealed class Tokenizer13aTests
{
    [TestMethod]
    [DataRow("Hello, world!", "Hello|,|world|!")]
    [DataRow("It costs $1,000.50 - really.", "It|costs|$|1,000.50|-|really|.")]   // separators inside numbers stay
    [DataRow("3.14, 2.", "3.14|,|2|.")]                                           // ... but not before a space
    [DataRow("state-of-the-art", "state-of-the-art")]                             // hyphens stay inside words
    [DataRow("1990-2000", "1990|-|2000")]                                         // a dash after a digit splits
    [DataRow("don't", "don't")]                                                   // the apostrophe is not punctuation here
    [DataRow("&quot;Yes&quot; &amp; no &lt;3 &gt;", "\"|Yes|\"|&|no|<|3|>")]    // four SGML entities, then symbols
    [DataRow("(e.g., U.S.A.)", "(|e|.|g|.|,|U|.|S|.|A|.|)")]
    [DataRow("a/b [c] {d} @home #1 50%", "a|/|b|[|c|]|{|d|}|@|home|#|1|50|%")]
    [DataRow("end.Start", "end|.|Start")]
    [DataRow("hyphen-\nated <skipped>line\nbreak", "hyphenated|line|break")]
    [DataRow("  spaced \t out  ", "spaced|out")]
    [DataRow("", "")]
    public void Tokenize_FollowsMteval13a(string line, string expected) =>
        Assert.AreEqual(expected, string.Join("|", GenerationMetrics.Tokenize13a(line)));
}
