using Microsoft.ML.Transformer.Samples;
using Microsoft.ML.Transformer.Samples.Scenarios;
using Spectre.Console;

// dotnet run -c Release --project src/Samples -- [main|classify|pretrain|generate|embed|attention|similarity|ner|qa]
//   [--data file.csv --text-column Text --label-column Label]   (classify, pretrain: the user's own file)
//   [--data pairs.tsv --source-column Source --target-column Target]   (generate: the user's own text pairs)
//   [--out folder] [--device cpu|cuda|auto] [--epochs N] [--tiny]
SampleSettings settings;
try
{
    settings = SampleSettings.Parse(args);
}
catch (ArgumentException e)
{
    AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
    return 2;
}

AnsiConsole.Write(new Rule($"Microsoft.ML.Transformer sample: {settings.Scenario}"));
switch (settings.Scenario)
{
    case "main":
        // The whole journey: pretrain on unlabelled text, fine-tune a classifier from it, evaluate, save, reload, predict.
        var pretrained = PretrainScenario.Run(settings);
        ClassifyScenario.Run(settings, pretrained);
        break;
    case "classify":
        ClassifyScenario.Run(settings);
        break;
    case "pretrain":
        PretrainScenario.Run(settings);
        break;
    case "generate":
        // Trains a text generator (dates in many styles → ISO 8601 by default), evaluates, saves, reloads, streams.
        await GenerateScenario.RunAsync(settings);
        break;
    case "embed":
        EmbedScenario.Run(settings);
        break;
    case "attention":
        AttentionScenario.Run(settings);
        break;
    case "similarity":
        // Trains a sentence-pair regressor (how alike two generated descriptions are), evaluates, saves, reloads.
        SimilarityScenario.Run(settings);
        break;
    case "ner":
        // Trains an entity tagger (E2E-derived restaurant descriptions, or generated ones), evaluates, saves, reloads.
        NerScenario.Run(settings);
        break;
    case "qa":
        // Trains a question answerer (E2E-derived questions about restaurant descriptions, or generated ones), evaluates, saves, reloads.
        QaScenario.Run(settings);
        break;
    default:
        AnsiConsole.MarkupLineInterpolated($"[red]Unknown scenario '{settings.Scenario}'.[/] Known: main (the default), classify, pretrain, generate, embed, attention, similarity, ner, qa.");
        return 2;
}
return 0;
