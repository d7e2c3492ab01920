using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Attention;

namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put this library's attention-weights transform on <c>mlContext.Transforms.Text</c>.</summary>
public static class AttentionCatalog
{
    /// <summary>
    /// Adds <paramref name="model"/>'s attention weights for <paramref name="inputColumnName"/>: every layer and head of
    /// its encoder self-attention (decoder self-attention for a decoder-only network) in
    /// <paramref name="outputColumnName"/>, flattened [layer, head, query, key], and the tokens in
    /// <paramref name="outputColumnName"/>QueryTokens and <paramref name="outputColumnName"/>KeyTokens. See
    /// <see cref="AttentionWeightsOptions"/> for the layout and for other kinds, layers, heads and rollout.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The weights column; the token columns are named after it.</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <param name="model">A fitted model of this library, or a chain holding one.</param>
    public static AttentionWeightsEstimator TransformerAttentionWeights(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, ITransformer model) =>
        TransformerAttentionWeights(catalog, new AttentionWeightsOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            BaseModel = model ?? throw new ArgumentNullException(nameof(model)),
        });

    /// <summary>The attention-weights transform, with every option (kind, target column, layers, heads, rollout, length, batch size, device).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">Columns, base model, what to export, and how to compute it.</param>
    public static AttentionWeightsEstimator TransformerAttentionWeights(this TransformsCatalog.TextTransforms catalog, AttentionWeightsOptions options) =>
        new(MLNetVersionGuard.Environment(catalog), options);
}
