using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's Transformer entity tagger on <c>mlContext.MulticlassClassification.Trainers</c>, where ML.NET keeps its own named-entity recognition.</summary>
public static class EntityTaggerCatalog
{
    /// <summary>
    /// A Transformer entity tagger: reads <paramref name="textColumnName"/>, learns the per-word labels of
    /// <paramref name="labelColumnName"/> (a vector of keys, one per word as <see cref="EntityWords.Split"/> cuts the
    /// text), and adds one predicted label per word and the entities found (see <see cref="TaggingColumns"/>).
    /// </summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="labelColumnName">The per-word labels (vector of keys).</param>
    /// <param name="textColumnName">The text.</param>
    /// <param name="epochs">Passes over the training data; null keeps the default of <see cref="EncoderHeadOptions.Training"/>.</param>
    /// <param name="maxLength">The tokens of one window; null keeps the default of <see cref="EncoderHeadOptions.Tokenizer"/>.</param>
    public static EntityTaggingEstimator TransformerEntityTagger(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = ColumnDefaults.Label, string textColumnName = ColumnDefaults.Text, int? epochs = null, int? maxLength = null)
    {
        var options = new EntityTaggingOptions { LabelColumnName = labelColumnName, TextColumnName = textColumnName };
        if (epochs is { } e) options.Training.Epochs = e;
        if (maxLength is { } m) options.Tokenizer.MaxLength = m;
        return TransformerEntityTagger(catalog, options);
    }

    /// <summary>A Transformer entity tagger, with every option.</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="options">Columns, network, tokenizer, training, fine-tuning and device options.</param>
    public static EntityTaggingEstimator TransformerEntityTagger(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        EntityTaggingOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
