using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// The attention weights of one kind of attention (encoder self, decoder self or cross) for one input: a
/// [queries × keys] matrix per layer and head, with the tokens of both axes. Row q of a matrix is how query token q
/// spread its attention over the key tokens: it sums to 1 over the keys it may see and is exactly 0 on the others
/// (later positions, for decoder self-attention). Padding never appears: the matrices cover the input's own tokens.
/// </summary>
public sealed class AttentionMaps
{
    private readonly float[] _weights; // [layer, head, query, key], row-major

    internal AttentionMaps(AttentionKind kind, IReadOnlyList<string> queryTokens, IReadOnlyList<string> keyTokens,
        int layerCount, int headCount, float[] weights)
    {
        if (weights.Length != (long)layerCount * headCount * queryTokens.Count * keyTokens.Count)
            throw new ArgumentException($"Expected {layerCount} × {headCount} × {queryTokens.Count} × {keyTokens.Count} weights; got {weights.Length}.", nameof(weights));
        (Kind, QueryTokens, KeyTokens, LayerCount, HeadCount, _weights) = (kind, queryTokens, keyTokens, layerCount, headCount, weights);
    }

    /// <summary>Which attention these weights come from.</summary>
    public AttentionKind Kind { get; }

    /// <summary>The tokens that attend (rows): the target tokens for decoder and cross-attention, else the source tokens.</summary>
    public IReadOnlyList<string> QueryTokens { get; }

    /// <summary>The tokens attended to (columns): the source tokens for encoder and cross-attention, else the target tokens.</summary>
    public IReadOnlyList<string> KeyTokens { get; }

    /// <summary>The number of layers, lowest first.</summary>
    public int LayerCount { get; }

    /// <summary>The number of heads per layer.</summary>
    public int HeadCount { get; }

    /// <summary>The weight with which query token <paramref name="query"/> attends to key token <paramref name="key"/>.</summary>
    public float this[int layer, int head, int query, int key] => _weights[Index(layer, head) + Check(query, QueryTokens.Count, nameof(query)) * KeyTokens.Count
        + Check(key, KeyTokens.Count, nameof(key))];

    /// <summary>The [queries × keys] matrix of one head.</summary>
    public float[,] Weights(int layer, int head)
    {
        var matrix = new float[QueryTokens.Count, KeyTokens.Count];
        _weights.AsSpan(Index(layer, head), matrix.Length).CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref matrix[0, 0], matrix.Length));
        return matrix;
    }

    /// <summary>The mean over the heads of one layer: a [queries × keys] matrix whose visible rows still sum to 1.</summary>
    public float[,] MeanOverHeads(int layer)
    {
        var mean = new float[QueryTokens.Count, KeyTokens.Count];
        for (int head = 0; head < HeadCount; head++)
        {
            var weights = _weights.AsSpan(Index(layer, head), mean.Length);
            for (int q = 0, i = 0; q < QueryTokens.Count; q++)
                for (int k = 0; k < KeyTokens.Count; k++, i++)
                    mean[q, k] += weights[i] / HeadCount;
        }
        return mean;
    }

    /// <summary>
    /// Attention rollout (Abnar and Zuidema, 2020) through every layer: how much each token's final representation
    /// draws on each input token, counting the residual connections. Self-attention only.
    /// </summary>
    /// <exception cref="InvalidOperationException">These are cross-attention weights.</exception>
    public float[,] Rollout() => AttentionRollout.Compute(this);

    /// <summary>Every weight, flattened row-major as [layer, head, query, key].</summary>
    public float[] ToArray() => (float[])_weights.Clone();

    /// <summary>The same maps restricted to some layers and heads (in the order given).</summary>
    public AttentionMaps Select(IReadOnlyList<int> layers, IReadOnlyList<int> heads)
    {
        int size = QueryTokens.Count * KeyTokens.Count;
        var selected = new float[layers.Count * heads.Count * size];
        int offset = 0;
        foreach (int layer in layers)
            foreach (int head in heads)
            {
                _weights.AsSpan(Index(layer, head), size).CopyTo(selected.AsSpan(offset));
                offset += size;
            }
        return new AttentionMaps(Kind, QueryTokens, KeyTokens, layers.Count, heads.Count, selected);
    }

    private int Index(int layer, int head) =>
        (Check(layer, LayerCount, nameof(layer)) * HeadCount + Check(head, HeadCount, nameof(head))) * QueryTokens.Count * KeyTokens.Count;

    private static int Check(int value, int count, string name) => (uint)value < (uint)count ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, {count - 1}].");
}
