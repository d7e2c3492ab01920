using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>
/// How rows are grouped into batches. Defaults suit inference; <see cref="ForTraining"/> suits training. The batch
/// size and the seed are always the caller's (its training or scoring options'), so they have no default here.
/// </summary>
internal sealed class BatcherOptions
{
    /// <summary>
    /// The largest batch any option accepts (training or scoring rows per step): 65,536. Buffers are sized by it, and
    /// a larger batch would hold a whole data set in memory at once.
    /// </summary>
    public const int MaxBatchSize = 1 << 16;

    /// <summary>Most rows in a batch.</summary>
    public required int BatchSize { get; init; }
    /// <summary>Most padded positions (rows × longest row) in a batch; 0 = no token budget.</summary>
    public int MaxTokensPerBatch { get; init; }
    /// <summary>Shuffle rows (through a seeded buffer) and the order of batches. Training only.</summary>
    public bool Shuffle { get; init; }
    /// <summary>Rows held by the shuffle buffer: more mixes better and costs memory.</summary>
    public int ShuffleBufferRows { get; init; } = 10_000;
    /// <summary>
    /// Sort rows by length inside a window of <see cref="BucketWindowBatches"/> batches, so a batch holds rows of
    /// similar length and little padding. In inference the batch's <c>RowIndices</c> restore the order.
    /// </summary>
    public bool Bucketing { get; init; } = true;
    /// <summary>Window of the length sort, in batches.</summary>
    public int BucketWindowBatches { get; init; } = 50;
    /// <summary>Attach labels (the row's class index) to single and pair batches.</summary>
    public bool WithLabels { get; init; }
    /// <summary>Seed of the shuffle; read only when <see cref="Shuffle"/> is set.</summary>
    public int Seed { get; init; }
    /// <summary>Attach each row's hashed n-gram bag (single and pair batches); null = none.</summary>
    public Tokenization.HashedNgrams? Ngrams { get; init; }
    /// <summary>Where tensors are created; null = CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Training defaults: shuffled, bucketed.</summary>
    public static BatcherOptions ForTraining(int batchSize, int seed, Device? device = null, bool withLabels = true) =>
        new() { BatchSize = batchSize, Shuffle = true, Bucketing = true, Seed = seed, Device = device, WithLabels = withLabels };

    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be positive; got {BatchSize}.");
        if (MaxTokensPerBatch < 0) throw new ArgumentException($"MaxTokensPerBatch must be 0 or positive; got {MaxTokensPerBatch}.");
        if (ShuffleBufferRows < 1) throw new ArgumentException($"ShuffleBufferRows must be positive; got {ShuffleBufferRows}.");
        if (BucketWindowBatches < 1) throw new ArgumentException($"BucketWindowBatches must be positive; got {BucketWindowBatches}.");
    }
}
