using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.TokenIds;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's token-id transform on <c>mlContext.Transforms.Text</c>.</summary>
public static class TokenIdsCatalog
{
    /// <summary>
    /// Tokenizes text as the classifier or embedding transform exported to <paramref name="modelFolder"/> does, and adds
    /// <c>input_ids</c> and <c>attention_mask</c> (variable-length vectors of <c>Int64</c>): the inputs of the ONNX graph
    /// exported from that folder, so that <c>ApplyOnnxModel</c> can score the text without libtorch.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="modelFolder">A model folder written by <c>ModelFolder.Export</c> (a classifier or an embedding transform).</param>
    /// <param name="textColumnName">The text column to read (default: the column the exported component read).</param>
    public static TokenIdsEstimator TransformerTokenIds(this TransformsCatalog.TextTransforms catalog, string modelFolder,
        string? textColumnName = null) =>
        TransformerTokenIds(catalog, new TokenIdsOptions { ModelFolder = modelFolder, TextColumnName = textColumnName });

    /// <summary>The token-id transform, with every option (model folder, text columns, output column names, batch size).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">The model folder, the text columns, the names of the added columns and the batch size.</param>
    public static TokenIdsEstimator TransformerTokenIds(this TransformsCatalog.TextTransforms catalog, TokenIdsOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
