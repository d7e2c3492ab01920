using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Embeddings;

/// <summary>
/// Texts → one vector each: one padded forward pass per mini-batch through the encoder (or, for a decoder-only
/// network, the causal decoder), pooled over each row's own positions, optionally scaled to unit length. No gradients;
/// every tensor is freed when the batch is done.
/// </summary>
internal sealed class EmbeddingScorer : ITextBatchScorer
{
    private readonly TextNetwork _network;
    private readonly TextTokenizer _tokenizer;
    private readonly EmbeddingSettings _settings;

    public EmbeddingScorer(TextNetwork network, TextTokenizer tokenizer, EmbeddingSettings settings)
    {
        (_network, _tokenizer, _settings) = (network, tokenizer, settings);
        Dimension = (int)network.Options.ModelDimension;
        InputColumns = [settings.InputColumn];
        OutputColumns = [new ScoreColumn(settings.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, Dimension))];
    }

    /// <summary>The length of every vector: the network's width.</summary>
    public int Dimension { get; }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.BatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        var vectors = Embed(texts.Select(t => t[0]).ToArray());
        for (int r = 0; r < vectors.Length; r++)
            results[r][0] = vectors[r];
    }

    /// <summary>One vector per text, in order. An empty text is embedded from its special tokens alone.</summary>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        // Only the encoder side of a sequence-to-sequence framing is read: the text and [EOS].
        var encoder = new SequenceEncoder(_tokenizer, _settings.Layout, _settings.MaxLength, _settings.Truncation);
        var batcher = new Batcher(encoder, new BatcherOptions { BatchSize = Math.Max(1, texts.Count), Bucketing = false, Device = _network.Device });
        var output = new float[texts.Count][];

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var batch in batcher.Batches(texts.Select((text, i) => new TextRow(i, text))))
        {
            using (batch)
            {
                var hidden = _network.HasEncoder
                    ? _network.Encode(batch.Ids, batch.PaddingMask)                      // [B, T, D]
                    : _network.Decode(batch.Ids, null, null, batch.PaddingMask);         // [B, T, D], causal
                var pooled = HiddenStatePooling.Pool(hidden, batch.PaddingMask, _settings.Pooling).to(ScalarType.Float32); // [B, D]
                if (_settings.Normalize)
                    pooled = pooled / pooled.Squared().sum(-1, keepdim: true).sqrt().AtLeast(1e-12);
                float[] flat = pooled.cpu().data<float>().ToArray();
                for (int i = 0; i < batch.Count; i++)
                    output[batch.RowIndices[i]] = flat.AsSpan(i * Dimension, Dimension).ToArray();
            }
        }
        return output;
    }
}
