using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Console;
using Microsoft.ML.Transformer.Samples.Data;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>
/// Pretrains an encoder on unlabelled text with masked language modelling, shows the per-row perplexity it adds
/// (unusual text scores high), saves it and its training curve.
/// </summary>
public static class PretrainScenario
{
    private sealed class Line
    {
        public string Text { get; set; } = "";
    }

    /// <summary>Runs the scenario and returns the fitted pretrained model (the base for fine-tuning).</summary>
    public static ITransformer Run(SampleSettings settings)
    {
        var ml = new MLContext(seed: 1);
        IDataView corpus = settings.DataPath is null
            ? ml.Data.LoadFromEnumerable(SupportRequests.Unlabelled(settings.Tiny ? 300 : 6000, seed: 11).Select(t => new Line { Text = t }))
            : UserData.Load(ml, settings.DataPath, settings.TextColumn);
        if (settings.DataPath is not null && settings.TextColumn != "Text")
            corpus = ml.Transforms.CopyColumns("Text", settings.TextColumn).Fit(corpus).Transform(corpus);

        var options = new TextPretrainingOptions
        {
            TextColumnName = "Text",
            Objective = PretrainingObjective.MaskedLanguageModel,
            Device = settings.Device,
            Tokenizer = new TokenizerOptions { VocabularySize = 2000, MaxLength = 64 },
            Model = new ModelOptions
            {
                ModelDimension = settings.Tiny ? 32 : 128,
                Heads = 4,
                EncoderLayers = 2,
                DecoderLayers = 0,
                FeedForwardDimension = settings.Tiny ? 64 : 512,
                Activation = Activation.Gelu,
                PositionalEncoding = PositionalEncoding.Learned,
                MaxLength = 64,
            },
            Training = new TrainingOptions
            {
                Epochs = settings.Epochs > 0 ? settings.Epochs : settings.Tiny ? 1 : 4,
                LearningRate = 1e-3,
                WarmupSteps = 50,
                WeightDecay = 0.01,
                LogEveryNSteps = 1000,
            },
        };
        var pretrained = TrainingBar.Run("Pretraining (masked LM)", "tokens", progress =>
        {
            options.Training.Progress = progress;
            return ml.Transforms.Text.TransformerPretrainer(options).Fit(corpus);
        });

        // The pretrained model on its own: the perplexity column flags text unlike the corpus.
        var probes = new[] { "i lost my debit card yesterday", "please cancel order #48213", "zxq vlorp 99 !!@ kwyjibo glarn" };
        var scored = pretrained.Transform(ml.Data.LoadFromEnumerable(probes.Select(t => new Line { Text = t })));
        var table = new Table().AddColumns("text", "perplexity");
        foreach (var (text, perplexity) in probes.Zip(scored.GetColumn<float>("Perplexity")))
            table.AddRow(Markup.Escape(text), $"{perplexity:F1}");
        AnsiConsole.Write(table);

        Directory.CreateDirectory(settings.OutputDirectory);
        string zip = Path.Combine(settings.OutputDirectory, "pretrained.zip");
        ml.Model.Save(pretrained, corpus.Schema, zip);
        string chart = Path.Combine(settings.OutputDirectory, "pretraining.png");
        pretrained.TrainingHistory!.SavePng(chart, "Masked-LM pretraining");
        pretrained.TrainingHistory.SaveCsv(Path.ChangeExtension(chart, ".csv"));
        AnsiConsole.MarkupLineInterpolated($"Saved [green]{zip}[/] and the training curve [green]{chart}[/].");
        return pretrained;
    }
}
