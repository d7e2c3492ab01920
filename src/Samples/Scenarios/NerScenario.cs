using Microsoft.ML;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Console;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>
/// Tags entities (restaurant name, food, area, a place nearby...) in restaurant descriptions with a Transformer entity
/// tagger: on sentences derived from the E2E NLG references when ../shared/data/e2e-nlg is there, else on generated
/// ones. Evaluates entity F1 overall and per type beside a gazetteer of the training entities, saves the tagger,
/// reloads it in a fresh MLContext and shows the entities a PredictionEngine finds.
/// </summary>
public static class NerScenario
{
    /// <summary>What a prediction engine returns here.</summary>
    public sealed class Prediction
    {
        /// <summary>One text per entity: type, words, start, length, score.</summary>
        public string[] Entities { get; set; } = [];
    }

    /// <summary>The input of a prediction engine.</summary>
    public sealed class Request
    {
        /// <summary>The text to tag.</summary>
        public string Text { get; set; } = "";
    }

    /// <summary>Runs the scenario; returns the saved model's path.</summary>
    public static string Run(SampleSettings settings)
    {
        var (train, test, source) = ScenarioParts.E2eOrGenerated(settings, folder => E2eEntities.Load(folder),
            "E2E NLG references labelled from their meaning representations", (n, seed) => RestaurantEntities.Generate(n, seed), "generated restaurant sentences");
        AnsiConsole.MarkupLineInterpolated($"Data: {source}; {train.Length:N0} training and {test.Length:N0} test sentences.");
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.LoadFromEnumerable(train);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label", nameof(TaggedSentence.Tags)).Fit(trainView);

        var options = Options(settings);
        var estimator = ml.MulticlassClassification.Trainers.TransformerEntityTagger(options);
        var tagger = TrainingBar.Fit("Training entity tagger", "rows", options.Training, () => estimator.Fit(keys.Transform(trainView)));

        var metrics = EntityMetrics.Evaluate(tagger.Transform(keys.Transform(ml.Data.LoadFromEnumerable(test))));
        var gazetteer = Gazetteer.Learn(train);
        var baseline = EntityMetrics.Compute(test.Select(r => ((IReadOnlyList<string>)r.Tags, (IReadOnlyList<string>)gazetteer.Tag(r.Text))));
        var table = new Table().AddColumns("entity type", "test entities", "Transformer P / R / F1", "gazetteer P / R / F1");
        foreach (var (type, scores) in metrics.PerType.Append(new("all", metrics.Overall)))
        {
            var b = type == "all" ? baseline.Overall : baseline.PerType.GetValueOrDefault(type, new EntityScores(0, 0, 0, 0, 0, 0));
            table.AddRow(type, $"{scores.Expected:N0}", $"{scores.Precision:F3} / {scores.Recall:F3} / {scores.F1:F3}", $"{b.Precision:F3} / {b.Recall:F3} / {b.F1:F3}");
        }
        AnsiConsole.Write(table);

        string zip = ScenarioParts.Save(ml, tagger, trainView.Schema, settings, "ner.zip");

        // A fresh context, as a serving process would have: plain Model.Load, then a PredictionEngine.
        var serving = new MLContext();
        var engine = serving.Model.CreatePredictionEngine<Request, Prediction>(serving.Model.Load(zip, out _));
        var shown = new Table().AddColumns("text", "entities found");
        foreach (var row in test.Take(4))
            shown.AddRow(Markup.Escape(row.Text), Markup.Escape(string.Join("\n", engine.Predict(new Request { Text = row.Text }).Entities)));
        AnsiConsole.Write(shown);
        return zip;
    }

    private static EntityTaggingOptions Options(SampleSettings settings) => new()
    {
        Device = settings.Device,
        Tokenizer = new TokenizerOptions { VocabularySize = 1000, MaxLength = 64 },
        Model = ScenarioParts.SmallEncoder(settings, maxLength: 64),
        HeadDropout = 0,
        Training = new TrainingOptions { Epochs = settings.Epochs > 0 ? settings.Epochs : settings.Tiny ? 1 : 4, LearningRate = 2e-3, WarmupSteps = 30, LogEveryNSteps = 1000 },
    };
}
