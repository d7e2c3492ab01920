using Microsoft.ML;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Samples.Data;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>What the scenarios of the encoder heads (similarity, entities, questions) share: their network, where their data comes from, and saving the model.</summary>
internal static class ScenarioParts
{
    /// <summary>A small encoder (width 64, or 32 with --tiny; two layers) for windows of <paramref name="maxLength"/> tokens.</summary>
    public static ModelOptions SmallEncoder(SampleSettings settings, int maxLength) => new()
    {
        ModelDimension = settings.Tiny ? 32 : 64,
        Heads = 4,
        EncoderLayers = 2,
        DecoderLayers = 0,
        FeedForwardDimension = settings.Tiny ? 64 : 128,
        PositionalEncoding = PositionalEncoding.Learned,
        MaxLength = maxLength,
    };

    /// <summary>Saves <paramref name="model"/> as <paramref name="fileName"/> in the output folder and says so; returns its path.</summary>
    public static string Save(MLContext ml, ITransformer model, DataViewSchema schema, SampleSettings settings, string fileName)
    {
        Directory.CreateDirectory(settings.OutputDirectory);
        string zip = Path.Combine(settings.OutputDirectory, fileName);
        ml.Model.Save(model, schema, zip);
        AnsiConsole.MarkupLineInterpolated($"Saved [green]{zip}[/].");
        return zip;
    }

    /// <summary>
    /// Rows derived from the E2E references when ../shared/data/e2e-nlg is there (a sample of each part), generated
    /// ones otherwise or with --tiny; and a line saying which.
    /// </summary>
    public static (T[] Train, T[] Test, string Source) E2eOrGenerated<T>(SampleSettings settings, Func<string, (T[] Train, T[] Test)> derive,
        string derived, Func<int, int, T[]> generate, string generated)
    {
        int trainRows = settings.Tiny ? 300 : 3000, testRows = settings.Tiny ? 100 : 800;
        if (!settings.Tiny && E2eEntities.Find(Directory.GetCurrentDirectory()) is { } folder)
        {
            var (train, test) = derive(folder);
            var rng = new Random(3);
            return ([.. train.OrderBy(_ => rng.Next()).Take(trainRows)], [.. test.OrderBy(_ => rng.Next()).Take(testRows)], $"{derived} ({folder})");
        }
        return (generate(trainRows, 5), generate(testRows, 6), generated);
    }
}
