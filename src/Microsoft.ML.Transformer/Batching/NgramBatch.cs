using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>
/// The hashed n-gram bags of a batch's rows, laid out for an embedding bag: every row's bucket ids one after the
/// other, where each row starts, and each id's weight. Owns its tensors.
/// </summary>
internal sealed class NgramBatch : IDisposable
{
    private NgramBatch(Tensor ids, Tensor offsets, Tensor weights) => (Ids, Offsets, Weights) = (ids, offsets, weights);

    /// <summary>[N] int64 bucket ids of all rows, row after row.</summary>
    public Tensor Ids { get; }

    /// <summary>[B] int64, where each row's ids start in <see cref="Ids"/>.</summary>
    public Tensor Offsets { get; }

    /// <summary>[N] float32, the weight of each id.</summary>
    public Tensor Weights { get; }

    /// <summary>The three tensors together, as the classifier's head reads them.</summary>
    public (Tensor Ids, Tensor Offsets, Tensor Weights) Bags => (Ids, Offsets, Weights);

    /// <summary>Lays out the bags of a batch's rows, in batch order.</summary>
    public static NgramBatch Build(IReadOnlyList<HashedNgrams.Bag> bags, Device? device)
    {
        var offsets = new long[bags.Count];
        int total = 0;
        for (int i = 0; i < bags.Count; i++)
        {
            offsets[i] = total;
            total += bags[i].Ids.Length;
        }
        var ids = new long[total];
        var weights = new float[total];
        for (int i = 0; i < bags.Count; i++)
        {
            bags[i].Ids.CopyTo(ids, offsets[i]);
            bags[i].Weights.CopyTo(weights, offsets[i]);
        }
        return new NgramBatch(TokenBatch.Int64(ids, device), TokenBatch.Int64(offsets, device), TokenBatch.Float32(weights, device));
    }

    public void Dispose()
    {
        Ids.Dispose();
        Offsets.Dispose();
        Weights.Dispose();
    }
}
