using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer;

/// <summary>Finds the training curve in a fitted model of this library, to write it as a chart (PNG) or a table (CSV).</summary>
public static class TrainingCurves
{
    /// <summary>
    /// The training curve of <paramref name="model"/>, or of the last trained component of a chain; null when it holds
    /// none (no trainer of this library, or a model loaded from a zip).
    /// </summary>
    /// <param name="model">A fitted model or pipeline.</param>
    public static TrainingHistory? Find(ITransformer model) => model switch
    {
        ITrainedComponent trained => trained.TrainingHistory,
        IEnumerable<ITransformer> chain => chain.Reverse().Select(Find).FirstOrDefault(h => h is not null),
        _ => null,
    };

    /// <summary>
    /// Writes the training curve of <paramref name="model"/> (see <see cref="Find"/>) as <paramref name="pathWithoutExtension"/>.png
    /// and .csv, and returns it; null, writing nothing, when the model holds none.
    /// </summary>
    /// <param name="model">A fitted model or pipeline.</param>
    /// <param name="pathWithoutExtension">Where to write, e.g. "runs/classifier" for runs/classifier.png and runs/classifier.csv.</param>
    /// <param name="title">The chart's title.</param>
    public static TrainingHistory? Save(ITransformer model, string pathWithoutExtension, string title)
    {
        ArgumentNullException.ThrowIfNull(pathWithoutExtension);
        var history = Find(model);
        history?.SavePng(pathWithoutExtension + ".png", title);
        history?.SaveCsv(pathWithoutExtension + ".csv");
        return history;
    }
}
