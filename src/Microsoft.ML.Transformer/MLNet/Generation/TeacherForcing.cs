using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// The token-level loss of a generator on (source, target) pairs, the target fed to the decoder as it is
/// (teacher forcing): the training objective, and the loss and perplexity reported on references.
/// </summary>
internal sealed class TeacherForcing(TextNetwork model, TextTokenizer tokenizer, GeneratorSettings settings)
{
    /// <summary>
    /// Next-token logits [N, V] and their labels [N] at the N positions that have a target: padding never reaches the
    /// output head, whose [.., V] product and softmax are the largest per position.
    /// </summary>
    /// <param name="batch">A <see cref="BatchLayout.Seq2Seq"/> batch; a decoder-only model reads it as prompt + continuation.</param>
    public (Tensor Logits, Tensor Labels) Forward(TokenBatch batch)
    {
        if (model.HasEncoder)
        {
            var memory = model.Encode(batch.Ids, batch.PaddingMask);                                                       // [B, S, D]
            return Labelled(model.Decode(batch.DecoderInput!, memory, batch.PaddingMask, batch.DecoderPaddingMask), batch.Labels!);
        }
        using var joined = PromptBatch.FromSeq2Seq(batch, tokenizer.Specials);
        return Labelled(model.Decode(joined.Ids, null, null, joined.PaddingMask), joined.Labels!);
    }

    // Hidden states [B, U, D] and labels [B, U] → logits [N, V] and labels [N] of the labelled positions.
    private (Tensor Logits, Tensor Labels) Labelled(Tensor hidden, Tensor labels)
    {
        var flat = labels.reshape(-1);                                                                  // [B·U]
        var rows = Scalars.With(TokenBatch.IgnoreIndex, flat.ne).nonzero().squeeze(1);                  // [N]
        var selected = hidden.reshape(-1, hidden.shape[2]).index_select(0, rows);                       // [N, D]
        return (model.Logits(selected), flat.index_select(0, rows));
    }

    /// <summary>Mean cross-entropy over the batch's target tokens (with label smoothing) and their number.</summary>
    public (Tensor Loss, long Tokens) MeanLoss(TokenBatch batch, double labelSmoothing)
    {
        var (logits, labels) = Forward(batch);
        long tokens = Scalars.With(TokenBatch.IgnoreIndex, labels.ne).sum().item<long>();
        var loss = nn.functional.cross_entropy(logits, labels, ignore_index: TokenBatch.IgnoreIndex, label_smoothing: labelSmoothing);
        return (loss, tokens);
    }

    /// <summary>Summed negative log-likelihood over every target token of <paramref name="rows"/> (evaluation mode, no gradients).</summary>
    public LossAccumulator Measure(IEnumerable<TextRow> rows, int batchSize)
    {
        var loss = new LossAccumulator();
        bool training = model.training;
        model.eval();
        try
        {
            foreach (var batch in Batches(rows, batchSize, shuffle: false, seed: 0))
            {
                using (batch)
                using (NewDisposeScope())
                using (no_grad())
                {
                    var (logits, labels) = Forward(batch);
                    var sum = nn.functional.cross_entropy(logits, labels, ignore_index: TokenBatch.IgnoreIndex, reduction: nn.Reduction.Sum);
                    loss.Add(sum.to(ScalarType.Float64).item<double>(), Scalars.With(TokenBatch.IgnoreIndex, labels.ne).sum().item<long>());
                }
            }
        }
        finally
        {
            model.train(training);
        }
        return loss;
    }

    /// <summary>Length-bucketed batches of <see cref="BatchLayout.Seq2Seq"/>, on the model's device.</summary>
    public IEnumerable<TokenBatch> Batches(IEnumerable<TextRow> rows, int batchSize, bool shuffle, int seed,
        int maxTokensPerBatch = 0, Action<string>? log = null)
    {
        var encoder = new SequenceEncoder(tokenizer, BatchLayout.Seq2Seq, settings.SourceMaxLength, settings.Truncation, settings.TargetMaxLength);
        var batcher = new Batcher(encoder, new BatcherOptions
        {
            BatchSize = batchSize,
            MaxTokensPerBatch = maxTokensPerBatch,
            Shuffle = shuffle,
            Seed = seed,
            Device = model.Device,
        }, log);
        return batcher.Batches(rows);
    }
}
