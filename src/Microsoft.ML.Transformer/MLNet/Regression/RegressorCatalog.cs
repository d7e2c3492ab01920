using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Regression;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's Transformer regressor on <c>mlContext.Regression.Trainers</c>.</summary>
public static class RegressorCatalog
{
    /// <summary>
    /// A Transformer text regressor: reads <paramref name="textColumnName"/> (and, for sentence-pair scoring such as
    /// similarity, <paramref name="secondTextColumnName"/>, joined as the classifier joins pairs), learns the Single
    /// <paramref name="labelColumnName"/>, and adds <c>Score</c>.
    /// </summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="labelColumnName">The Single label.</param>
    /// <param name="textColumnName">The text (the first text of a pair).</param>
    /// <param name="secondTextColumnName">The second text of a pair; null for one text.</param>
    /// <param name="epochs">Passes over the training data; null keeps the default of <see cref="EncoderHeadOptions.Training"/>.</param>
    /// <param name="maxLength">The most tokens per row, both texts together; longer rows are truncated. Null keeps the
    /// default of <see cref="EncoderHeadOptions.Tokenizer"/>.</param>
    public static TextRegressionEstimator TransformerRegressor(this Microsoft.ML.RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = ColumnDefaults.Label, string textColumnName = ColumnDefaults.Text, string? secondTextColumnName = null,
        int? epochs = null, int? maxLength = null)
    {
        var options = new TextRegressionOptions
        {
            LabelColumnName = labelColumnName,
            TextColumnName = textColumnName,
            SecondTextColumnName = secondTextColumnName,
        };
        if (epochs is { } e) options.Training.Epochs = e;
        if (maxLength is { } m) options.Tokenizer.MaxLength = m;
        return TransformerRegressor(catalog, options);
    }

    /// <summary>A Transformer text regressor, with every option.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="options">Columns, network, tokenizer, training, fine-tuning and device options.</param>
    public static TextRegressionEstimator TransformerRegressor(this Microsoft.ML.RegressionCatalog.RegressionTrainers catalog,
        TextRegressionOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
