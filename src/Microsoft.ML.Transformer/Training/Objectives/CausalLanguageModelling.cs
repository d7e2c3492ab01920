using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// Next-token prediction. Training reads a packed stream (<see cref="PackedStream"/>): documents joined with [EOS] and
/// cut into full blocks of MaxLength inputs, so every position is a target and none is padding. Scoring reads one
/// document as <c>[EOS] text [EOS]</c> (the context a document has in the stream) in consecutive windows of MaxLength
/// inputs, so every token of it, and the closing [EOS], is predicted exactly once.
/// </summary>
internal sealed class CausalLanguageModelling(TextTokenizer tokenizer, ObjectiveSettings settings) : Objective(tokenizer, settings)
{
    public override IEnumerable<PretrainingBatch> TrainingBatches(IEnumerable<string> texts, int batchSize, int maxTokensPerBatch,
        int seed, Device? device)
    {
        var options = new BatcherOptions { BatchSize = batchSize, Shuffle = true, Seed = seed, Device = device };
        return new PackedStream(Tokenizer, Settings.MaxLength, options).Batches(texts)
            .Select(b => new PretrainingBatch(b, b.Ids.numel(), InputPadded: false));
    }

    public override IEnumerable<PretrainingExample> ScoringExamples(long row, int[] ids)
    {
        if (ids.Length == 0) yield break;
        int[] sequence = [Specials.End, .. ids, Specials.End];
        int window = Settings.MaxLength;
        for (int start = 0; start < sequence.Length - 1; start += window)
        {
            int length = Math.Min(window, sequence.Length - 1 - start);
            yield return new PretrainingExample(row, sequence[start..(start + length)], sequence[(start + 1)..(start + 1 + length)]);
        }
    }

    // Right padding of short scoring windows needs no mask: the causal mask hides later positions from earlier ones.
    public override Tensor Hidden(TextNetwork model, PretrainingBatch batch) => model.Decode(batch.Tokens.Ids, null, null, null);
}
