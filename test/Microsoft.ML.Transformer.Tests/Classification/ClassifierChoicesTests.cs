using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>What <c>Fit</c> chooses from the data when options are left unset, and that a set option is kept (one cheap epoch each).</summary>
[TestClass]
public sealed class ClassifierChoicesTests
{
    [TestMethod]
    public void UnsetOptionsAreChosenFromTheDataAndLogged()
    {
        var options = ClassifierFixture.TinyOptions(seed: 3, epochs: 1);
        options.Tokenizer = new TokenizerOptions();
        options.Training = new Microsoft.ML.Transformer.Training.TrainingOptions { Epochs = 1, Seed = 3 };
        var lines = Fit(options);
        Assert.IsTrue(lines.Any(l => l.Contains("Validation: held out 40 of 400 rows", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.Contains("Chose a BPE vocabulary of 1,000 because", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.Contains("Chose maximum length", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.Contains("Chose learning rate 0.001 because training from scratch", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.StartsWith("Reading hashed n-grams (words up to 2, characters 3) beside the network", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.StartsWith("Chose ", StringComparison.Ordinal) && l.Contains(" n-gram buckets because the training texts have", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.StartsWith("Warm-up: ", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.StartsWith("Validation: loss", StringComparison.Ordinal)), "the held-out rows are evaluated");
    }

    [TestMethod]
    public void SetOptionsAreKeptAndNotChosen()
    {
        var options = ClassifierFixture.TinyOptions(seed: 3, epochs: 1);
        options.ValidationFraction = 0;
        options.Ngrams = new NgramOptions { Enabled = true, Buckets = 4096 };
        var lines = Fit(options);
        Assert.IsFalse(lines.Any(l => l.StartsWith("Chose", StringComparison.Ordinal) || l.StartsWith("Warm-up", StringComparison.Ordinal)
            || l.StartsWith("Validation", StringComparison.Ordinal)), Dump(lines));
        Assert.IsTrue(lines.Any(l => l.Contains("360 rows", StringComparison.Ordinal) is false && l.Contains("classifier: 400 rows", StringComparison.Ordinal)), Dump(lines));
    }

    [TestMethod]
    public void AnUnsetModelIsShapedForTheData()
    {
        var options = ClassifierFixture.TinyOptions(seed: 3, epochs: 1);
        options.Model = null;
        options.Training.BatchSize = 64;
        var lines = Fit(options, rows: 200);
        Assert.IsTrue(lines.Any(l => l.StartsWith("Chose a network of width 128, 2 layers", StringComparison.Ordinal)), Dump(lines));
    }

    [TestMethod]
    public void TruncationIsLoggedOncePerFitNotOncePerEpoch()
    {
        var options = ClassifierFixture.TinyOptions(seed: 3, epochs: 3);
        options.Tokenizer = new TokenizerOptions { VocabularySize = 600, MaxLength = 6 };
        options.ValidationFraction = 0.1;
        var lines = Fit(options, rows: 200);
        var truncation = lines.Where(l => l.StartsWith("Tokenization: ", StringComparison.Ordinal)).ToList();
        // One line for the training rows and one for the held-out rows, however many epochs and validations ran.
        Assert.AreEqual(2, truncation.Count, Dump(lines));
        Assert.AreEqual(2, truncation.Distinct().Count(), Dump(lines));
    }

    private static List<string> Fit(TextClassificationOptions options, int rows = 400)
    {
        var ml = new MLContext(3);
        var lines = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == Runtime.ChannelMessageKind.Info && e.Source.Contains("TextClassification", StringComparison.Ordinal))
                lock (lines) lines.Add(e.RawMessage);
        };
        ClassifierFixture.Pipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(ClassifierFixture.Rows(rows, seed: 40)));
        return lines;
    }

    private static string Dump(List<string> lines) => string.Join("\n", lines);
}
