using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Samples.Data;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>
/// Turns texts into vectors with a pretrained encoder and hands them to an ordinary ML.NET trainer (SDCA), next to
/// ML.NET's own FeaturizeText; then finds nearest neighbours by cosine similarity.
/// </summary>
public static class EmbedScenario
{
    /// <summary>Runs the scenario on top of <paramref name="pretrained"/> (pretrained first when null).</summary>
    public static void Run(SampleSettings settings, ITransformer? pretrained = null)
    {
        pretrained ??= PretrainScenario.Run(settings);
        var ml = new MLContext(seed: 1);
        var rows = SupportRequests.Generate(settings.Tiny ? 300 : 2000, seed: 21);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);

        var embeddings = ml.Transforms.Text.TransformerEmbeddings("Features", "Text", pretrained);
        var withEmbeddings = ml.Transforms.Conversion.MapValueToKey("Label", nameof(SupportRequest.Intent))
            .Append(embeddings)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());
        var standard = ml.Transforms.Conversion.MapValueToKey("Label", nameof(SupportRequest.Intent))
            .Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());
        var table = new Table().AddColumns("features", "accuracy");
        foreach (var (name, pipeline) in new[] { ("Transformer embeddings + SDCA", withEmbeddings), ("FeaturizeText + SDCA", standard) })
        {
            var model = pipeline.Fit(split.TrainSet);
            table.AddRow(name, $"{ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy:P1}");
        }
        AnsiConsole.Write(table);

        // Nearest neighbours by cosine similarity of normalised embeddings.
        var texts = rows.Select(r => r.Text).Distinct().Take(settings.Tiny ? 100 : 800).ToArray();
        var vectors = ml.Transforms.Text.TransformerEmbeddings(new MLNet.Embeddings.TextEmbeddingOptions
        {
            InputColumnName = "Text",
            OutputColumnName = "Features",
            BaseModel = pretrained,
            Normalize = true,
        }).Fit(ml.Data.LoadFromEnumerable(texts.Select(t => new SupportRequest { Text = t })))
            .Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new SupportRequest { Text = t })))
            .GetColumn<float[]>("Features").ToArray();
        foreach (int query in new[] { 0, 1, 2 })
        {
            var nearest = Enumerable.Range(0, texts.Length).Where(i => i != query)
                .OrderByDescending(i => vectors[query].Zip(vectors[i], (a, b) => a * b).Sum()).Take(3);
            AnsiConsole.MarkupLineInterpolated($"[bold]{texts[query]}[/]");
            foreach (int i in nearest)
                AnsiConsole.MarkupLineInterpolated($"   ~ {texts[i]}");
        }
    }
}
