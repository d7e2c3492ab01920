using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// The "13a" tokenisation of NIST's mteval-v13a.pl, the default of sacreBLEU, so that BLEU figures are comparable:
/// strip &lt;skipped&gt; tags and end-of-line hyphenation, join lines, unescape four SGML entities, then split off
/// punctuation and symbols, periods and commas unless inside a number, and dashes after a digit. Case is kept.
/// </summary>
internal static partial class Tokenizer13a
{
    /// <summary>The 13a tokens of a line.</summary>
    public static string[] Tokenize(string line)
    {
        line = line.Replace("<skipped>", "", StringComparison.Ordinal)
            .Replace("-\n", "", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
        if (line.Contains('&', StringComparison.Ordinal))
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal)
                .Replace("&amp;", "&", StringComparison.Ordinal)
                .Replace("&lt;", "<", StringComparison.Ordinal)
                .Replace("&gt;", ">", StringComparison.Ordinal);

        // Each rule scans left to right without overlaps, exactly as Perl's s///g does: "a.." gives "a . .".
        line = Symbols().Replace($" {line} ", " $1 ");
        line = PeriodOrCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodOrCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return SplitOnWhitespace(line);
    }

    /// <summary>Splits on whitespace as Python's <c>str.split()</c> does (.NET's whitespace plus U+001C–U+001F).</summary>
    public static string[] SplitOnWhitespace(string text)
    {
        var parts = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool space = i == text.Length || IsPythonSpace(text[i]);
            if (!space && start < 0)
                start = i;
            else if (space && start >= 0)
            {
                parts.Add(text[start..i]);
                start = -1;
            }
        }
        return parts.ToArray();
    }

    /// <summary>Whitespace as Python's <c>str.isspace()</c> sees it.</summary>
    public static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    // The punctuation and symbol ranges of mteval: { | } ~, [ \ ] ^ _ `, space ! " # $ % &, ( ) * +, : ; < = > ? @, and /.
    // Not among them: the apostrophe, the hyphen, the period and the comma (handled below), letters and digits.
    [GeneratedRegex(@"([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40\x2F])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaAfterNonDigit();

    [GeneratedRegex(@"([.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
