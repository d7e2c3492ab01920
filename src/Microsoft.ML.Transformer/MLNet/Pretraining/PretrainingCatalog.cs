using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put the pretraining estimator on ML.NET's text transforms catalog.</summary>
public static class PretrainingCatalog
{
    /// <summary>
    /// Pretrains a Transformer on the unlabelled text of <paramref name="textColumnName"/>. The fitted transformer adds
    /// per-row <c>Loss</c> and <c>Perplexity</c> columns, saves into a model zip, and is what the classification and
    /// text-generation trainers fine-tune from (their <c>BaseModel</c>).
    /// </summary>
    /// <param name="catalog">The text transforms catalog (<c>mlContext.Transforms.Text</c>).</param>
    /// <param name="textColumnName">The text to learn from.</param>
    /// <param name="objective">
    /// What to learn; the default network takes the matching shape (span corruption: encoder-decoder; causal LM:
    /// decoder-only; masked LM: encoder-only). Default <see cref="PretrainingObjective.Auto"/> (span corruption).
    /// </param>
    /// <param name="maxSteps">Optimiser steps to train for; null trains for the epochs of <see cref="TextPretrainingOptions.Training"/>.</param>
    /// <param name="maxLength">The most tokens of one model input (the block size of a causal LM); null keeps the default
    /// of <see cref="TextPretrainingOptions.Tokenizer"/>.</param>
    public static TextPretrainingEstimator TransformerPretrainer(this TransformsCatalog.TextTransforms catalog,
        string textColumnName = ColumnDefaults.Text, PretrainingObjective objective = PretrainingObjective.Auto, long? maxSteps = null, int? maxLength = null)
    {
        var options = new TextPretrainingOptions { TextColumnName = textColumnName, Objective = objective };
        if (maxSteps is { } steps) options.Training.MaxSteps = steps;
        if (maxLength is { } length) options.Tokenizer.MaxLength = length;
        return TransformerPretrainer(catalog, options);
    }

    /// <summary>Pretrains a Transformer on unlabelled text, with every option.</summary>
    /// <param name="catalog">The text transforms catalog (<c>mlContext.Transforms.Text</c>).</param>
    /// <param name="options">Column, objective, network, tokenizer, training, validation and device options.</param>
    public static TextPretrainingEstimator TransformerPretrainer(this TransformsCatalog.TextTransforms catalog,
        TextPretrainingOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
