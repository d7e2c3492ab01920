using Microsoft.ML;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Console;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>
/// Answers questions about restaurants from their descriptions with a Transformer question answerer: on questions
/// derived from the E2E NLG references when ../shared/data/e2e-nlg is there, else on generated descriptions. Evaluates
/// exact match and token F1, saves the answerer, reloads it in a fresh MLContext and shows the answers a
/// PredictionEngine gives.
/// </summary>
public static class QaScenario
{
    /// <summary>What a prediction engine returns here.</summary>
    public sealed class Prediction
    {
        /// <summary>The best answer.</summary>
        public string PredictedAnswer { get; set; } = "";

        /// <summary>The best answer's score.</summary>
        public float Score { get; set; }

        /// <summary>The top answers, best first.</summary>
        public string[] TopAnswers { get; set; } = [];
    }

    /// <summary>Runs the scenario; returns the saved model's path.</summary>
    public static string Run(SampleSettings settings)
    {
        var (train, test, source) = ScenarioParts.E2eOrGenerated(settings, folder => E2eQuestions.Load(folder),
            "questions derived from the E2E NLG references", (n, seed) => RestaurantQuestions.Generate(n, seed), "generated restaurant descriptions");
        AnsiConsole.MarkupLineInterpolated($"Data: {source}; {train.Length:N0} training and {test.Length:N0} test questions.");
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.LoadFromEnumerable(train);

        var options = Options(settings);
        var estimator = ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(options);
        var answerer = TrainingBar.Fit("Training question answerer", "windows", options.Training, () => estimator.Fit(trainView));

        var metrics = QuestionAnsweringMetrics.Evaluate(answerer.Transform(ml.Data.LoadFromEnumerable(test)));
        AnsiConsole.MarkupLineInterpolated($"Test questions: exact match [green]{metrics.ExactMatch:P1}[/], token F1 [green]{metrics.F1:F3}[/] over {metrics.Rows:N0} questions.");

        string zip = ScenarioParts.Save(ml, answerer, trainView.Schema, settings, "qa.zip");

        // A fresh context, as a serving process would have: plain Model.Load, then a PredictionEngine.
        var serving = new MLContext();
        var engine = serving.Model.CreatePredictionEngine<AnsweredQuestion, Prediction>(serving.Model.Load(zip, out _));
        var shown = new Table().AddColumns("context", "question", "expected", "answer (score)", "runners-up");
        foreach (var row in test.Take(4))
        {
            var p = engine.Predict(row);
            shown.AddRow(Markup.Escape(row.Context), Markup.Escape(row.Question), Markup.Escape(row.Answer),
                Markup.Escape($"{p.PredictedAnswer} ({p.Score:F2})"), Markup.Escape(string.Join("; ", p.TopAnswers.Skip(1))));
        }
        AnsiConsole.Write(shown);
        return zip;
    }

    private static QuestionAnsweringOptions Options(SampleSettings settings) => new()
    {
        Device = settings.Device,
        Tokenizer = new TokenizerOptions { VocabularySize = 1000, MaxLength = 80 },
        Model = ScenarioParts.SmallEncoder(settings, maxLength: 80),
        Stride = 24,
        HeadDropout = 0,
        Training = new TrainingOptions { Epochs = settings.Epochs > 0 ? settings.Epochs : settings.Tiny ? 1 : 6, LearningRate = 2e-3, WarmupSteps = 30, LogEveryNSteps = 1000 },
    };
}
