using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>Compares C# lines of the README with the lines of a source file, ignoring layout and trailing comments.</summary>
internal static partial class CSharpLines
{
    /// <summary>The line without its trailing <c>// comment</c> (outside string and character literals), whitespace collapsed.</summary>
    public static string Normalize(string line)
    {
        var code = new StringBuilder();
        char? quote = null;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote is null && c == '/' && i + 1 < line.Length && line[i + 1] == '/')
                break;
            if (quote is null && c is '"' or '\'')
                quote = c;
            else if (quote == c)
                quote = null;
            else if (quote is not null && c == '\\' && i + 1 < line.Length)
                code.Append(line[i++]);
            code.Append(line[i]);
        }
        return Whitespace().Replace(code.ToString(), " ").Trim();
    }

    /// <summary>
    /// The README's statement lines: every line of its ```csharp blocks except blank lines, comment-only lines, lines
    /// holding "..." (what the README leaves out) and <c>using</c> directives.
    /// </summary>
    public static IReadOnlyList<DocLine> Statements(IEnumerable<DocLine> lines) =>
        lines.Where(l => Normalize(l.Text) is { Length: > 0 } code
                         && !l.Text.Contains("...", StringComparison.Ordinal)
                         && !IsUsing(code))
             .ToList();

    /// <summary>The README's <c>using</c> directives, normalised.</summary>
    public static IReadOnlySet<string> Usings(IEnumerable<DocLine> lines) =>
        lines.Select(l => Normalize(l.Text)).Where(IsUsing).ToHashSet(StringComparer.Ordinal);

    /// <summary>The statements that occur as no (normalised) line of <paramref name="source"/>.</summary>
    public static IReadOnlyList<DocLine> Missing(IEnumerable<DocLine> statements, string[] source)
    {
        var present = source.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        return statements.Where(s => !present.Contains(Normalize(s.Text))).ToList();
    }

    /// <summary>The file-level <c>using</c> directives of a source file, normalised.</summary>
    public static IReadOnlySet<string> SourceUsings(string[] source) =>
        source.Select(Normalize).Where(IsUsing).ToHashSet(StringComparer.Ordinal);

    private static bool IsUsing(string code) => UsingDirective().IsMatch(code);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^using (static )?[\w.]+;$")]
    private static partial Regex UsingDirective();
}
