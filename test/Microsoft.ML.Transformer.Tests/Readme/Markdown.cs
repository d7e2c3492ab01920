using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>One line of a Markdown file: where it is, and its text.</summary>
internal sealed record DocLine(string File, int Number, string Text)
{
    public override string ToString() => $"{File}:{Number}: {Text.Trim()}";
}

/// <summary>An inline code span of Markdown prose, and the prose that follows it.</summary>
internal sealed record InlineCode(DocLine Line, string Code, string After);

/// <summary>Reads the code of a Markdown file of the repository: fenced blocks by language, and inline code spans.</summary>
internal static partial class Markdown
{
    /// <summary>The lines of every fenced block of <paramref name="language"/> (```csharp, ```bash...) in a file of the repository.</summary>
    public static IReadOnlyList<DocLine> FencedLines(string relativePath, string language)
    {
        var lines = new List<DocLine>();
        string? fence = null;
        string[] text = Read(relativePath);
        for (int i = 0; i < text.Length; i++)
        {
            string trimmed = text[i].Trim();
            if (fence is null && trimmed.StartsWith("```", StringComparison.Ordinal))
                fence = trimmed[3..].Trim();
            else if (fence is not null && trimmed == "```")
                fence = null;
            else if (fence == language)
                lines.Add(new DocLine(relativePath, i + 1, text[i]));
        }
        return lines;
    }

    /// <summary>Every inline code span outside fenced blocks, with the text after it (to the end of its paragraph).</summary>
    public static IReadOnlyList<InlineCode> InlineCode(string relativePath)
    {
        string[] text = Read(relativePath);
        var prose = new string[text.Length];
        bool inFence = false;
        for (int i = 0; i < text.Length; i++)
        {
            bool fenceLine = text[i].Trim().StartsWith("```", StringComparison.Ordinal);
            if (fenceLine)
                inFence = !inFence;
            prose[i] = inFence || fenceLine ? "" : text[i];
        }
        string joined = string.Join("\n", prose);
        var spans = new List<InlineCode>();
        foreach (Match m in InlineSpan().Matches(joined))
        {
            int number = joined.AsSpan(0, m.Index).Count('\n') + 1;
            int paragraphEnd = joined.IndexOf("\n\n", m.Index, StringComparison.Ordinal);
            int end = paragraphEnd < 0 ? joined.Length : paragraphEnd;
            string after = joined[(m.Index + m.Length)..end];
            spans.Add(new InlineCode(new DocLine(relativePath, number, text[number - 1]), m.Groups[1].Value, after));
        }
        return spans;
    }

    /// <summary>The text of a file of the repository, as lines.</summary>
    public static string[] Read(string relativePath) => File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, relativePath));

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex InlineSpan();
}
