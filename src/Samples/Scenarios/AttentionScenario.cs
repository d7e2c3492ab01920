using Microsoft.ML;
using Microsoft.ML.Transformer.Interpretability;
using Microsoft.ML.Transformer.MLNet.Attention;
using Spectre.Console;

namespace Microsoft.ML.Transformer.Samples.Scenarios;

/// <summary>Looks inside a trained model: the attention of every layer and head for one sentence, as heatmap PNGs.</summary>
public static class AttentionScenario
{
    /// <summary>Runs the scenario on <paramref name="model"/> (a freshly pretrained one when null).</summary>
    public static void Run(SampleSettings settings, ITransformer? model = null)
    {
        model ??= PretrainScenario.Run(settings);
        var explanation = AttentionExplainer.Explain(model, "hi, I lost my credit card yesterday, please block it");
        Directory.CreateDirectory(settings.OutputDirectory);
        foreach (var maps in explanation.All)
        {
            string grid = Path.Combine(settings.OutputDirectory, $"attention-{maps.Kind}.png");
            AttentionHeatmap.SaveGrid(maps, grid, layer: maps.LayerCount - 1);
            string rollout = Path.Combine(settings.OutputDirectory, $"attention-{maps.Kind}-rollout.png");
            AttentionHeatmap.SaveRollout(maps, rollout);
            AnsiConsole.MarkupLineInterpolated(
                $"{maps.Kind}: {maps.LayerCount} layers × {maps.HeadCount} heads over {maps.KeyTokens.Count} tokens → [green]{grid}[/], [green]{rollout}[/]");
        }
    }
}
