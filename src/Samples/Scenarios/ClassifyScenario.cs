using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Console;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>
/// Fine-tunes (or trains from scratch, with the library's default options) a Transformer classifier on generated
/// support requests or on the user's own file, evaluates it with ML.NET's evaluator on a held-out fifth of the rows,
/// saves it, reloads it in a fresh MLContext and predicts some of those held-out rows.
/// </summary>
public static class ClassifyScenario
{
    /// <summary>What a prediction engine returns here.</summary>
    public sealed class Prediction
    {
        /// <summary>The predicted intent (after MapKeyToValue).</summary>
        public string PredictedIntent { get; set; } = "";

        /// <summary>Class probabilities.</summary>
        public float[] Score { get; set; } = [];
    }

    /// <summary>A held-out row: its text and its true label.</summary>
    public sealed class HeldOut
    {
        /// <summary>The text.</summary>
        public string Text { get; set; } = "";

        /// <summary>The true label, as the file writes it.</summary>
        public string Truth { get; set; } = "";
    }

    /// <summary>How many held-out rows the scenario predicts and shows.</summary>
    private const int RowsShown = 8;

    /// <summary>The input of a prediction engine.</summary>
    public sealed class Request
    {
        /// <summary>The text to classify.</summary>
        public string Text { get; set; } = "";
    }

    /// <summary>Runs the scenario; <paramref name="baseModel"/> (a pretrained model) is fine-tuned when given.</summary>
    public static string Run(SampleSettings settings, ITransformer? baseModel = null)
    {
        var ml = new MLContext(seed: 1);
        var (train, test, labelColumn) = LoadData(ml, settings);
        var heldOut = ml.Data.CreateEnumerable<HeldOut>(ml.Transforms.CopyColumns("Truth", labelColumn).Fit(test).Transform(test), false)
            .Take(RowsShown).ToArray();
        string title = settings.DataPath is null ? "Intent classifier" : $"{settings.LabelColumn} from {settings.TextColumn}";

        // The label mapping is fitted apart from the model, so that the saved model needs only the text to serve.
        var labels = ml.Transforms.Conversion.MapValueToKey("Label", labelColumn).Fit(train);
        train = labels.Transform(train);
        test = labels.Transform(test);

        var options = Options(settings, baseModel);
        var pipeline = ml.MulticlassClassification.Trainers.TransformerClassifier(options)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedIntent", "PredictedLabel"));
        var model = TrainingBar.Run(baseModel is null ? "Training classifier" : "Fine-tuning classifier", "rows", progress =>
        {
            options.Training.Progress = progress;
            return pipeline.Fit(train);
        });

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        var table = new Table().AddColumns("metric", "value");
        table.AddRow("micro accuracy", $"{metrics.MicroAccuracy:P2}");
        table.AddRow("macro accuracy", $"{metrics.MacroAccuracy:P2}");
        table.AddRow("log-loss", $"{metrics.LogLoss:F4}");
        AnsiConsole.Write(table);

        Directory.CreateDirectory(settings.OutputDirectory);
        string zip = Path.Combine(settings.OutputDirectory, "classifier.zip");
        ml.Model.Save(model, train.Schema, zip);
        var classifier = model.OfType<TextClassificationTransformer>().Single();
        string chart = Path.Combine(settings.OutputDirectory, "classifier-training.png");
        classifier.TrainingHistory!.SavePng(chart, title);
        classifier.TrainingHistory.SaveCsv(Path.ChangeExtension(chart, ".csv"));
        AnsiConsole.MarkupLineInterpolated($"Saved [green]{zip}[/] and the training curve [green]{chart}[/].");

        // A fresh context, as a serving process would have: plain Model.Load, then a PredictionEngine.
        var serving = new MLContext();
        var loaded = serving.Model.Load(zip, out _);
        var engine = serving.Model.CreatePredictionEngine<Request, Prediction>(loaded);
        var predictions = new Table().AddColumns("held-out text", Markup.Escape(labelColumn), "predicted", "confidence");
        foreach (var row in heldOut)
        {
            var p = engine.Predict(new Request { Text = row.Text });
            string text = row.Text.Length > 70 ? row.Text[..67] + "..." : row.Text;
            string mark = p.PredictedIntent == row.Truth ? "[green]" : "[red]";
            predictions.AddRow(Markup.Escape(text), Markup.Escape(row.Truth), mark + Markup.Escape(p.PredictedIntent) + "[/]", $"{p.Score.Max():P1}");
        }
        AnsiConsole.Write(predictions);
        return zip;
    }

    private static (IDataView Train, IDataView Test, string LabelColumn) LoadData(MLContext ml, SampleSettings settings)
    {
        if (settings.DataPath is null)
        {
            var rows = SupportRequests.Generate(settings.Tiny ? 400 : 3000, seed: 7);
            var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);
            return (split.TrainSet, split.TestSet, nameof(SupportRequest.Intent));
        }
        var data = UserData.Load(ml, settings.DataPath, settings.TextColumn, settings.LabelColumn);
        if (settings.TextColumn != "Text")
            data = ml.Transforms.CopyColumns("Text", settings.TextColumn).Fit(data).Transform(data);
        var userSplit = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        return (userSplit.TrainSet, userSplit.TestSet, settings.LabelColumn);
    }

    /// <summary>The library's defaults (chosen in Fit from the data), except on --tiny, which the tests use to stay fast.</summary>
    private static TextClassificationOptions Options(SampleSettings settings, ITransformer? baseModel)
    {
        var options = new TextClassificationOptions { BaseModel = baseModel, Device = settings.Device };
        options.Training.LogEveryNSteps = 1000;
        if (settings.Epochs > 0)
            options.Training.Epochs = settings.Epochs;
        if (!settings.Tiny)
            return options;
        // A fine-tuned model keeps its base model's vocabulary; only a model trained from scratch learns its own.
        options.Tokenizer = baseModel is null ? new TokenizerOptions { VocabularySize = 2000, MaxLength = 64 } : new TokenizerOptions { MaxLength = 64 };
        options.Model = new ModelOptions
        {
            ModelDimension = 32,
            Heads = 4,
            EncoderLayers = 2,
            DecoderLayers = 0,
            FeedForwardDimension = 64,
            Activation = Activation.Gelu,
            PositionalEncoding = PositionalEncoding.Learned,
            MaxLength = 64,
        };
        if (settings.Epochs == 0)
            options.Training.Epochs = 1;
        return options;
    }
}
