using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Classification;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's Transformer text classifier on <c>mlContext.MulticlassClassification.Trainers</c> and <c>mlContext.BinaryClassification.Trainers</c>.</summary>
public static class ClassifierCatalog
{
    /// <summary>
    /// A Transformer text classifier for many classes: reads <paramref name="textColumnName"/>, learns the key-typed
    /// <paramref name="labelColumnName"/>, and adds <c>Score</c> (class probabilities) and <c>PredictedLabel</c> (key).
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label (as after <c>MapValueToKey</c>).</param>
    /// <param name="textColumnName">The text to classify.</param>
    /// <param name="epochs">Passes over the training data (default: chosen from the number of rows, and logged).</param>
    /// <param name="maxLength">The most tokens per text (default: chosen from the training texts' lengths, and logged); longer texts are truncated.</param>
    public static TextClassificationEstimator TransformerClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = ColumnDefaults.Label, string textColumnName = ColumnDefaults.Text, int? epochs = null, int? maxLength = null)
        => TransformerClassifier(catalog, SimpleClassifierOptions(labelColumnName, textColumnName, epochs, maxLength));

    /// <summary>A Transformer text classifier for many classes, with every option.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Columns, network, tokenizer, training, fine-tuning and device options.</param>
    public static TextClassificationEstimator TransformerClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        TextClassificationOptions options) =>
        new(Environment(catalog), options, binary: false);

    /// <summary>
    /// A Transformer text classifier for two classes: reads <paramref name="textColumnName"/>, learns the Boolean
    /// <paramref name="labelColumnName"/>, and adds <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c>.
    /// </summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="labelColumnName">The Boolean label.</param>
    /// <param name="textColumnName">The text to classify.</param>
    /// <param name="epochs">Passes over the training data (default: chosen from the number of rows, and logged).</param>
    /// <param name="maxLength">The most tokens per text (default: chosen from the training texts' lengths, and logged); longer texts are truncated.</param>
    public static TextClassificationEstimator TransformerClassifier(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = ColumnDefaults.Label, string textColumnName = ColumnDefaults.Text, int? epochs = null, int? maxLength = null)
        => TransformerClassifier(catalog, SimpleClassifierOptions(labelColumnName, textColumnName, epochs, maxLength));

    /// <summary>A Transformer text classifier for two classes, with every option.</summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="options">Columns, network, tokenizer, training, fine-tuning and device options.</param>
    public static TextClassificationEstimator TransformerClassifier(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        TextClassificationOptions options) =>
        new(Environment(catalog), options, binary: true);

    private static TextClassificationOptions SimpleClassifierOptions(string label, string text, int? epochs, int? maxLength)
    {
        var options = new TextClassificationOptions { LabelColumnName = label, TextColumnName = text };
        if (epochs is { } e) options.Training.Epochs = e;
        if (maxLength is { } m) options.Tokenizer.MaxLength = m;
        return options;
    }

    private static IHostEnvironment Environment(object catalog) => MLNetVersionGuard.Environment(catalog);
}
