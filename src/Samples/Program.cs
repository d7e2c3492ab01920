using Microsoft.ML.Transformer.Samples;
using Microsoft.ML.Transformer.Samples.Scenarios;
using Spectre.Console;

// dotnet run -c Release --project src/Samples -- [classify|...] [--data file.csv --text-column Text --label-column Label]
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
    case "classify":
        ClassifyScenario.Run(settings);
        break;
    default:
        AnsiConsole.MarkupLineInterpolated($"[red]Unknown scenario '{settings.Scenario}'.[/] Known: classify (default: main).");
        return 2;
}
return 0;
