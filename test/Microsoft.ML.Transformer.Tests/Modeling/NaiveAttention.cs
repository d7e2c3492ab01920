using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>
/// Attention written the slow, obvious way, one query row at a time in float64, as the second opinion the fast
/// variants are checked against. Inputs q, k, v [B, H, T, Dh]; padding bool [B, T] (true = padding) or null.
/// </summary>
internal static class NaiveAttention
{
    /// <summary>Softmax attention where query i may see key j when <paramref name="allowed"/>(i, j) and j is not padding.</summary>
    public static Tensor Softmax(Tensor q, Tensor k, Tensor v, Tensor? padding, Func<long, long, bool> allowed)
    {
        var (b, h, t, dh) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]);
        var (q64, k64, v64) = (q.to(ScalarType.Float64), k.to(ScalarType.Float64), v.to(ScalarType.Float64));
        var output = zeros([b, h, t, dh], ScalarType.Float64);
        for (long row = 0; row < b; row++)
            for (long i = 0; i < t; i++)
            {
                var visible = Visible(padding, row, t, j => allowed(i, j));
                if (visible.Count == 0) continue;
                var keys = Indices(visible);
                var scores = q64[row, .., i].unsqueeze(1).matmul(k64[row].index_select(1, keys).transpose(1, 2)) / Math.Sqrt(dh); // [H, 1, n]
                output[row, .., i] = scores.softmax(-1).matmul(v64[row].index_select(1, keys)).squeeze(1);                    // [H, Dh]
            }
        return output;
    }

    /// <summary>Sliding window w with g global tokens, causal or not.</summary>
    public static Tensor SlidingWindow(Tensor q, Tensor k, Tensor v, Tensor? padding, long w, long g, bool causal) =>
        Softmax(q, k, v, padding, (i, j) =>
            (!causal || j <= i) && (Math.Abs(i - j) <= w || i < g || j < g));

    /// <summary>Linear attention with φ(x) = elu(x) + 1: Σ φ(q)·φ(k) v / Σ φ(q)·φ(k) over visible keys.</summary>
    public static Tensor Linear(Tensor q, Tensor k, Tensor v, Tensor? padding, bool causal)
    {
        var (b, h, t, dh) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]);
        var fq = nn.functional.elu(q.to(ScalarType.Float64), 1.0, false) + 1;
        var fk = nn.functional.elu(k.to(ScalarType.Float64), 1.0, false) + 1;
        var v64 = v.to(ScalarType.Float64);
        var output = zeros([b, h, t, dh], ScalarType.Float64);
        for (long row = 0; row < b; row++)
            for (long i = 0; i < t; i++)
            {
                long query = i;
                var visible = Visible(padding, row, t, j => !causal || j <= query);
                if (visible.Count == 0) continue;
                var keys = Indices(visible);
                var weights = fq[row, .., i].unsqueeze(1).matmul(fk[row].index_select(1, keys).transpose(1, 2)); // [H, 1, n]
                output[row, .., i] = (weights / weights.sum(-1, keepdim: true)).matmul(v64[row].index_select(1, keys)).squeeze(1);
            }
        return output;
    }

    private static List<long> Visible(Tensor? padding, long row, long t, Func<long, bool> allowed)
    {
        var visible = new List<long>();
        var padded = padding?[row].data<bool>().ToArray();
        for (long j = 0; j < t; j++)
            if (allowed(j) && (padded is null || !padded[j]))
                visible.Add(j);
        return visible;
    }

    private static Tensor Indices(List<long> indices) => tensor(indices.ToArray());
}
