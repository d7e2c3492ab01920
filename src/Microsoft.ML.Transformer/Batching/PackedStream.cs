using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>
/// Causal language-model pretraining batches: documents are encoded, joined with [EOS], and cut into blocks of
/// <c>BlockSize + 1</c> tokens that overlap by one, so block k gives input tokens [kT, kT+T) and targets shifted by
/// one — every token is a target exactly once and no position is padding. The last partial block is dropped.
/// </summary>
internal sealed class PackedStream
{
    private readonly TextTokenizer _tok;
    private readonly BatcherOptions _options;

    public PackedStream(TextTokenizer tokenizer, int blockSize, BatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        options.Validate();
        (_tok, BlockSize, _options) = (tokenizer, blockSize, options);
    }

    public int BlockSize { get; }

    /// <summary>One pass over <paramref name="documents"/>; batches hold Ids [B, T] and Labels [B, T].</summary>
    public IEnumerable<TokenBatch> Batches(IEnumerable<string> documents)
    {
        IEnumerable<(long Index, int[] Block)> blocks = Blocks(documents);
        if (_options.Shuffle) blocks = ShuffleBuffer.Shuffle(blocks, _options.ShuffleBufferRows, new Random(_options.Seed));
        foreach (var group in blocks.Chunk(_options.BatchSize))
            yield return Build(group);
    }

    private IEnumerable<(long, int[])> Blocks(IEnumerable<string> documents)
    {
        var pending = new List<int>(2 * BlockSize + 2);
        long index = 0;
        foreach (string doc in documents)
        {
            pending.AddRange(_tok.Encode(doc));
            pending.Add(_tok.Specials.End);
            int used = 0;
            while (pending.Count - used >= BlockSize + 1)
            {
                yield return (index++, pending.GetRange(used, BlockSize + 1).ToArray());
                used += BlockSize; // the last token of this block starts the next one
            }
            pending.RemoveRange(0, used);
        }
    }

    private TokenBatch Build((long Index, int[] Block)[] group)
    {
        int b = group.Length, t = BlockSize;
        var ids = new long[b * t];
        var targets = new long[b * t];
        var lengths = new long[b];
        var rows = new long[b];
        for (int i = 0; i < b; i++)
        {
            var block = group[i].Block;
            for (int j = 0; j < t; j++)
            {
                ids[i * t + j] = block[j];
                targets[i * t + j] = block[j + 1];
            }
            lengths[i] = t;
            rows[i] = group[i].Index;
        }
        var device = _options.Device;
        return new TokenBatch(TokenBatch.Int64(ids, b, t, device), TokenBatch.Bool(new bool[b * t], b, t, device),
            TokenBatch.Int64(lengths, device), rows, b * t, labels: TokenBatch.Int64(targets, b, t, device));
    }
}
