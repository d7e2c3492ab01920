using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Generation;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put text generation on ML.NET's catalogs.</summary>
public static class TextGenerationCatalogExtensions
{
    /// <summary>The text generation catalog of <paramref name="mlContext"/>: evaluation of generated text.</summary>
    public static TextGenerationCatalog TextGeneration(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new TextGenerationCatalog(mlContext);
    }

    /// <summary>
    /// A Transformer text generator (sequence to sequence): learns to write <paramref name="targetColumnName"/> from
    /// <paramref name="sourceColumnName"/>, and adds <paramref name="outputColumnName"/>, the generated text.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The generated text column.</param>
    /// <param name="sourceColumnName">The text to generate from.</param>
    /// <param name="targetColumnName">The text to learn to generate (read by <c>Fit</c> only).</param>
    /// <param name="epochs">Passes over the training data; null keeps the default of <see cref="TextGenerationOptions.Training"/>.</param>
    /// <param name="maxNewTokens">The most tokens generated per row; null keeps the default of <see cref="Generation.DecodingOptions.MaxNewTokens"/>.</param>
    public static TextGenerationEstimator TransformerTextGenerator(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName = ColumnDefaults.Generated, string sourceColumnName = ColumnDefaults.Source,
        string targetColumnName = ColumnDefaults.Target,
        int? epochs = null, int? maxNewTokens = null)
    {
        var options = new TextGenerationOptions
        {
            OutputColumnName = outputColumnName,
            SourceColumnName = sourceColumnName,
            TargetColumnName = targetColumnName,
        };
        if (epochs is { } e) options.Training.Epochs = e;
        if (maxNewTokens is { } m) options.Decoding = options.Decoding with { MaxNewTokens = m };
        return TransformerTextGenerator(catalog, options);
    }

    /// <summary>A Transformer text generator with every option: columns, network, tokenizer, training, decoding, base model, device.</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">The options; see <see cref="TextGenerationOptions"/>.</param>
    public static TextGenerationEstimator TransformerTextGenerator(this TransformsCatalog.TextTransforms catalog, TextGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TextGenerationEstimator(Environment(catalog), options);
    }

    private static IHostEnvironment Environment(object catalog) => MLNetVersionGuard.Environment(catalog);
}
