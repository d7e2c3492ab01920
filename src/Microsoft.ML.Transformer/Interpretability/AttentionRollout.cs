using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// Attention rollout (Abnar and Zuidema, "Quantifying Attention Flow in Transformers", 2020). Each layer's attention
/// is averaged over its heads; the residual connection is counted by adding the identity, and each row is divided by
/// its sum again (for rows that summed to 1 this is 0.5 A + 0.5 I); the layers are then multiplied from the lowest
/// up: R = Â_L · … · Â_1. Row i of R says how much of position i's final representation flows from each input
/// position. Rows keep summing to 1, and a causal model's rollout stays causal.
/// </summary>
internal static class AttentionRollout
{
    public static float[,] Compute(AttentionMaps maps)
    {
        if (maps.Kind == AttentionKind.Cross || maps.QueryTokens.Count != maps.KeyTokens.Count)
            throw new InvalidOperationException("Attention rollout needs self-attention (queries and keys are the same tokens); these are cross-attention weights.");
        int n = maps.QueryTokens.Count;
        var rollout = Identity(n);
        for (int layer = 0; layer < maps.LayerCount; layer++)
            rollout = Multiply(WithResidual(maps.MeanOverHeads(layer)), rollout);
        var result = new float[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                result[i, j] = (float)rollout[i, j];
        return result;
    }

    /// <summary>A + I, each row divided by its sum.</summary>
    private static double[,] WithResidual(float[,] attention)
    {
        int n = attention.GetLength(0);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                a[i, j] = attention[i, j] + (i == j ? 1.0 : 0.0);
                sum += a[i, j];
            }
            for (int j = 0; j < n; j++)
                a[i, j] /= sum;
        }
        return a;
    }

    private static double[,] Multiply(double[,] left, double[,] right)
    {
        int n = left.GetLength(0);
        var product = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double l = left[i, k];
                if (l == 0) continue;
                for (int j = 0; j < n; j++)
                    product[i, j] += l * right[k, j];
            }
        return product;
    }

    private static double[,] Identity(int n)
    {
        var identity = new double[n, n];
        for (int i = 0; i < n; i++) identity[i, i] = 1;
        return identity;
    }
}
