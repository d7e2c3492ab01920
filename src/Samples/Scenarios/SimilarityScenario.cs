using Microsoft.ML;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Console;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>
/// Scores how alike two texts are (0–5) with a Transformer regressor over the pair, next to ML.NET's FeaturizeText
/// over both texts + SDCA; evaluates both with ML.NET's regression evaluator, Pearson and Spearman; saves, reloads in
/// a fresh MLContext and scores a few pairs through a PredictionEngine.
/// </summary>
public static class SimilarityScenario
{
    /// <summary>What a prediction engine returns here.</summary>
    public sealed class Prediction
    {
        /// <summary>The predicted similarity.</summary>
        public float Score { get; set; }
    }

    /// <summary>Runs the scenario on generated pairs; returns the saved model's path.</summary>
    public static string Run(SampleSettings settings)
    {
        var ml = new MLContext(seed: 1);
        var rows = SimilarPairs.Generate(settings.Tiny ? 300 : 3000, seed: 5);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);

        var options = Options(settings);
        var estimator = ml.Regression.Trainers.TransformerRegressor(options);
        var model = TrainingBar.Fit("Training similarity regressor", "rows", options.Training, () => estimator.Fit(split.TrainSet));
        var baseline = ml.Transforms.Text.FeaturizeText("FirstFeatures", nameof(SimilarPair.First))
            .Append(ml.Transforms.Text.FeaturizeText("SecondFeatures", nameof(SimilarPair.Second)))
            .Append(ml.Transforms.Concatenate("Features", "FirstFeatures", "SecondFeatures"))
            .Append(ml.Regression.Trainers.Sdca(nameof(SimilarPair.Similarity)))
            .Fit(split.TrainSet);

        var table = new Table().AddColumns("model", "RMSE", "R²", "Pearson", "Spearman");
        foreach (var (name, scored) in new[] { ("Transformer over the pair", model.Transform(split.TestSet)), ("FeaturizeText + SDCA", baseline.Transform(split.TestSet)) })
        {
            var metrics = ml.Regression.Evaluate(scored, nameof(SimilarPair.Similarity));
            var correlation = CorrelationMetrics.Evaluate(scored, nameof(SimilarPair.Similarity));
            table.AddRow(name, $"{metrics.RootMeanSquaredError:F3}", $"{metrics.RSquared:F3}", $"{correlation.Pearson:F3}", $"{correlation.Spearman:F3}");
        }
        AnsiConsole.Write(table);

        string zip = ScenarioParts.Save(ml, model, split.TrainSet.Schema, settings, "similarity.zip");

        // A fresh context, as a serving process would have: plain Model.Load, then a PredictionEngine.
        var serving = new MLContext();
        var engine = serving.Model.CreatePredictionEngine<SimilarPair, Prediction>(serving.Model.Load(zip, out _));
        var predictions = new Table().AddColumns("first", "second", "similarity", "predicted");
        foreach (var pair in SimilarPairs.Generate(4, seed: 99))
            predictions.AddRow(Markup.Escape(pair.First), Markup.Escape(pair.Second), $"{pair.Similarity:F2}", $"{engine.Predict(pair).Score:F2}");
        AnsiConsole.Write(predictions);
        return zip;
    }

    private static TextRegressionOptions Options(SampleSettings settings) => new()
    {
        TextColumnName = nameof(SimilarPair.First),
        SecondTextColumnName = nameof(SimilarPair.Second),
        LabelColumnName = nameof(SimilarPair.Similarity),
        Device = settings.Device,
        Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 48 },
        Model = ScenarioParts.SmallEncoder(settings, maxLength: 48),
        HeadDropout = 0,
        Training = new TrainingOptions { Epochs = settings.Epochs > 0 ? settings.Epochs : settings.Tiny ? 1 : 10, LearningRate = 2e-3, WarmupSteps = 30, LogEveryNSteps = 1000 },
    };
}
