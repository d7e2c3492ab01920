using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Regression;

/// <summary>
/// One small sentence-pair regressor trained once for the tests of its class: generated restaurant descriptions whose
/// similarity (0–5) is the share of facts they agree on, a tiny encoder, a few epochs.
/// </summary>
internal static class RegressorFixture
{
    public sealed class Row
    {
        public string First { get; set; } = "";
        public string Second { get; set; } = "";
        public float Label { get; set; }
    }

    public sealed class Prediction
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }

    private static readonly Lazy<Trained> Shared = new(() => Train(seed: 1));

    public static Trained Model => Shared.Value;

    public sealed record Trained(MLContext Ml, TextRegressionTransformer Model, IDataView Train, IDataView Test, Row[] TestRows);

    public static TextRegressionOptions TinyOptions(int seed, int epochs = 8) => new()
    {
        TextColumnName = "First",
        SecondTextColumnName = "Second",
        LabelColumnName = "Label",
        Model = Classification.ClassifierFixture.TinyOptions(seed).Model! with { Heads = 4 },
        Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 48 },
        Training = new Microsoft.ML.Transformer.Training.TrainingOptions { Epochs = epochs, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 30, Seed = seed, LogEveryNSteps = 1000 },
        HeadDropout = 0,
    };

    public static Row[] Rows(int count, int seed) =>
        SimilarPairs.Generate(count, seed).Select(p => new Row { First = p.First, Second = p.Second, Label = p.Similarity }).ToArray();

    private static Trained Train(int seed)
    {
        var ml = new MLContext(seed);
        var train = ml.Data.LoadFromEnumerable(Rows(1600, seed: 10));
        var testRows = Rows(400, seed: 20);
        var test = ml.Data.LoadFromEnumerable(testRows);
        var model = ml.Regression.Trainers.TransformerRegressor(TinyOptions(seed)).Fit(train);
        return new Trained(ml, model, train, test, testRows);
    }
}
