using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>
/// Every shell command of the README (and of docs/BENCHMARKS.md and docs/MODEL_FOLDER.md, which it points to) is covered by a test or by CI, and
/// every benchmark subcommand they name exists. See <see cref="CommandCheck"/> for the forms and what covers each.
/// </summary>
[TestClass]
public sealed partial class ReadmeCommandTests
{
    private static readonly string[] Documents = ["README.md", "docs/BENCHMARKS.md", "docs/MODEL_FOLDER.md"];

    [TestMethod]
    public void EveryLineOfTheShellBlocksIsCovered()
    {
        var lines = Documents.SelectMany(d => Markdown.FencedLines(d, "bash")).Where(l => l.Text.Trim().Length > 0).ToList();
        Assert.IsGreaterThan(4, lines.Count, "the ```bash blocks were not found");
        AssertNoProblems(Problems(CommandCheck.ForRepository(), lines));
    }

    [TestMethod]
    public void EveryDotnetRunCommandOfTheReadmeProseIsCovered()
    {
        var check = CommandCheck.ForRepository();
        var inline = Markdown.InlineCode("README.md").Where(c => c.Code.StartsWith("dotnet run", StringComparison.Ordinal)).ToList();
        Assert.IsGreaterThan(1, inline.Count, "the README's inline dotnet run commands were not found");
        var problems = inline.Select(c => (c.Line, Problem: check.Problem(c.Code), c.Code)).Where(p => p.Problem is not null)
            .Select(p => $"{p.Line.File}:{p.Line.Number}: {p.Code}: {p.Problem}").ToList();
        // "`dotnet run ... -- classify` (or `pretrain`, `embed`)": the alternatives must be scenarios too.
        foreach (var c in inline.Where(c => c.Code.Contains("src/Samples", StringComparison.Ordinal)))
            if (Alternatives().Match(c.After) is { Success: true } m)
                problems.AddRange(Backticked().Matches(m.Groups[1].Value).Select(n => check.Scenario(n.Groups[1].Value))
                    .OfType<string>().Select(p => $"{c.Line.File}:{c.Line.Number}: {p}"));
        AssertNoProblems(problems);
    }

    [TestMethod]
    public void EveryBenchmarkSubcommandTheDocumentationNamesExists()
    {
        var named = ReadmeSubcommands().Concat(GuideSubcommands()).Distinct().ToList();
        Assert.IsGreaterThan(3, named.Count, "no subcommands found in the README's Benchmarks section and docs/BENCHMARKS.md's table");
        var unknown = named.Except(BenchmarkProgram.Subcommands).ToList();
        Assert.IsEmpty(unknown, $"subcommands the documentation names but Benchmarks --help does not list: {string.Join(", ", unknown)}");
    }

    [TestMethod]
    public void UnknownCommandsAreReportedWithTheirLine()
    {
        var check = new CommandCheck(["main", "classify"], () => ["tokenize"]);
        DocLine[] lines =
        [
            new("README.md", 3, "make install"),
            new("README.md", 4, "dotnet run --project src/Samples -- colour"),
            new("README.md", 5, "dotnet run --project src/Samples -- classify --colour red"),
            new("README.md", 6, "dotnet run -c Release --project src/Benchmarks -- nonesuch"),
            new("README.md", 7, "bash build/setup.sh && cargo build"),
            new("README.md", 8, "dotnet run --project src/Nowhere"),
            new("README.md", 9, "dotnet run -c Release --project src/Benchmarks -- tokenize --repeat 3   # fine"),
            new("README.md", 10, "dotnet run --project src/Samples -- classify --data my.csv --text-column Text"),
            new("README.md", 11, "dotnet add package Nonesuch"),
            new("README.md", 12, "dotnet add package TorchSharp-cpu"),
        ];
        var problems = Problems(check, lines);
        Assert.HasCount(7, problems, string.Join("\n", problems));
        StringAssert.StartsWith(problems[0], "README.md:3: make install: 'make install' is not a command form");
        StringAssert.Contains(problems[1], "'colour' is not a scenario");
        StringAssert.Contains(problems[2], "--colour");
        StringAssert.Contains(problems[3], "'nonesuch' is not a subcommand");
        StringAssert.Contains(problems[4], "'cargo build' is not a command form");
        StringAssert.Contains(problems[5], "src/Nowhere");
        StringAssert.Contains(problems[6], "build/package-check.sh does not run 'dotnet add package Nonesuch'");
    }

    private static List<string> Problems(CommandCheck check, IEnumerable<DocLine> lines) =>
        lines.Select(l => (Line: l, Problem: check.Problem(l.Text))).Where(p => p.Problem is not null).Select(p => $"{p.Line}: {p.Problem}").ToList();

    private static void AssertNoProblems(List<string> problems) =>
        Assert.IsEmpty(problems, "commands of the documentation that no test or CI covers:\n" + string.Join("\n", problems));

    /// <summary>"Subcommands include `a` (...), `b` (...) and `c` (...)." in the README's Benchmarks section.</summary>
    private static IEnumerable<string> ReadmeSubcommands()
    {
        string text = string.Join(" ", Markdown.Read("README.md"));
        var sentence = SubcommandSentence().Match(text);
        Assert.IsTrue(sentence.Success, "the README's 'Subcommands include ...' sentence was not found");
        return Backticked().Matches(WithoutParentheses(sentence.Groups[1].Value)).Select(m => m.Groups[1].Value);
    }

    /// <summary>The first column of the table under "## Subcommands" in docs/BENCHMARKS.md.</summary>
    private static IEnumerable<string> GuideSubcommands() =>
        Markdown.Read("docs/BENCHMARKS.md").SkipWhile(l => l.Trim() != "## Subcommands").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Select(l => TableName().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    private static string WithoutParentheses(string text)
    {
        var kept = new System.Text.StringBuilder();
        int depth = 0;
        foreach (char c in text)
        {
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0) kept.Append(c);
        }
        return kept.ToString();
    }

    [GeneratedRegex(@"Subcommands include (.*?\))\.")]
    private static partial Regex SubcommandSentence();

    [GeneratedRegex(@"^\s*\(or ([^)]*)\)")]
    private static partial Regex Alternatives();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"^\| `([a-z0-9-]+)` \|")]
    private static partial Regex TableName();
}
