using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Embeddings;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's embedding transform on <c>mlContext.Transforms.Text</c>.</summary>
public static class EmbeddingCatalog
{
    /// <summary>
    /// Maps <paramref name="inputColumnName"/> to a vector of <c>Single</c> in <paramref name="outputColumnName"/>: the
    /// mean of the hidden states of <paramref name="baseModel"/>'s network over the text's positions (the last
    /// position for a decoder-only network). Feed it to any ML.NET trainer (SDCA, LightGBM, k-means...).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to add.</param>
    /// <param name="inputColumnName">The text column to embed.</param>
    /// <param name="baseModel">A fitted model of this library (pretrained, classifier, generator, embeddings) or a chain holding one.</param>
    /// <param name="normalize">Scale each vector to unit L2 norm (default false).</param>
    public static TextEmbeddingEstimator TransformerEmbeddings(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, ITransformer baseModel, bool normalize = false) =>
        TransformerEmbeddings(catalog, new TextEmbeddingOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            BaseModel = baseModel ?? throw new ArgumentNullException(nameof(baseModel)),
            Normalize = normalize,
        });

    /// <summary>The Transformer embedding transform, with every option (base model or path, pooling, normalisation, length, batch size, device).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">Columns, base model, pooling, normalisation, maximum length, batch size and device.</param>
    public static TextEmbeddingEstimator TransformerEmbeddings(this TransformsCatalog.TextTransforms catalog, TextEmbeddingOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
