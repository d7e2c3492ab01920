namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>
/// Every line of the README's C# examples runs: each statement line occurs in ReadmeExamplesTests.cs, which runs them,
/// and that file compiles with exactly the README's using directives.
/// </summary>
[TestClass]
public sealed class ReadmeCodeTests
{
    private const string ExamplesFile = "test/Microsoft.ML.Transformer.Tests/Readme/ReadmeExamplesTests.cs";

    private static IReadOnlyList<DocLine> ReadmeCSharp => Markdown.FencedLines("README.md", "csharp");

    [TestMethod]
    public void EveryStatementOfTheReadmeExamplesRunsInTheExamplesTests()
    {
        var statements = CSharpLines.Statements(ReadmeCSharp);
        Assert.IsGreaterThan(20, statements.Count, "the README's ```csharp blocks were not found");

        var missing = CSharpLines.Missing(statements, Markdown.Read(ExamplesFile));
        Assert.IsEmpty(missing, $"README lines that {ExamplesFile} does not run (add them to the test of their section):\n"
            + string.Join("\n", missing));
    }

    [TestMethod]
    public void EveryStatementOfThePackageReadmeRunsInTheExamplesTests()
    {
        // docs/PACKAGE.md is the package's readme on the feed: its example must run as the README's do.
        var statements = CSharpLines.Statements(Markdown.FencedLines("docs/PACKAGE.md", "csharp"));
        Assert.IsGreaterThan(3, statements.Count, "docs/PACKAGE.md's ```csharp block was not found");
        var missing = CSharpLines.Missing(statements, Markdown.Read(ExamplesFile));
        Assert.IsEmpty(missing, $"docs/PACKAGE.md lines that {ExamplesFile} does not run:\n" + string.Join("\n", missing));
    }

    [TestMethod]
    public void TheExamplesCompileWithExactlyTheReadmeUsings()
    {
        string[] source = Markdown.Read(ExamplesFile);
        string? ns = source.Select(CSharpLines.Normalize).FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal));
        Assert.IsFalse(ns is null || ns.StartsWith("namespace Microsoft", StringComparison.Ordinal),
            $"the examples must live outside the Microsoft namespaces, where only their usings bring types into scope; found '{ns}'");

        var readme = CSharpLines.Usings(ReadmeCSharp);
        var examples = CSharpLines.SourceUsings(source);
        Assert.IsNotEmpty(readme, "the README's using directives were not found");
        var onlyInReadme = readme.Except(examples).ToList();
        var onlyInExamples = examples.Except(readme).ToList();
        Assert.IsTrue(onlyInReadme.Count == 0 && onlyInExamples.Count == 0,
            $"README usings not in the examples: [{string.Join(", ", onlyInReadme)}]; examples usings the README lacks: [{string.Join(", ", onlyInExamples)}]");
    }

    [TestMethod]
    public void ALineTheExamplesLackIsReportedWithItsPlace()
    {
        DocLine[] readme =
        [
            new("README.md", 7, "var model = pipeline.Fit(train);   // a comment"),
            new("README.md", 8, "var  metrics = Evaluate(model);"),
            new("README.md", 9, "IDataView train = ..., test = ...;"),
            new("README.md", 10, "// only a comment"),
            new("README.md", 11, "using Microsoft.ML;"),
        ];
        string[] source = ["    var model = pipeline.Fit(train);", "// var metrics = Evaluate(model);", "var url = \"http://x\"; // y"];

        var statements = CSharpLines.Statements(readme);
        var missing = CSharpLines.Missing(statements, source);

        Assert.HasCount(2, statements, "placeholders, comments and usings are not statements");
        Assert.AreEqual("README.md:8: var  metrics = Evaluate(model);", missing.Single().ToString(), "a commented-out line does not count");
        Assert.AreEqual("var url = \"http://x\";", CSharpLines.Normalize(source[2]), "// inside a string is not a comment");
    }
}
