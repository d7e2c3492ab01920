using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// BERT's objective. The input is <c>[CLS] chunk [SEP]</c> (the classifier's layout); round(n × MaskProbability) of
/// the chunk's tokens (at least one) are chosen at random, and each chosen token becomes [MASK] with probability 0.8,
/// a random ordinary token with probability 0.1, and stays itself otherwise. The encoder predicts the original token
/// at the chosen positions only.
/// </summary>
internal sealed class MaskedLanguageModelling(TextTokenizer tokenizer, ObjectiveSettings settings) : ChunkedObjective(tokenizer, settings)
{
    /// <summary>Share of chosen tokens replaced by [MASK].</summary>
    public const double MaskShare = 0.8;

    /// <summary>Share of chosen tokens replaced by a random ordinary token (the rest stay unchanged).</summary>
    public const double RandomShare = 0.1;

    /// <summary>[CLS] and [SEP] take two positions.</summary>
    public override int ChunkLength => Settings.MaxLength - 2;

    public override int MinimumTokens => 1;

    public override PretrainingExample Corrupt(long row, int[] chunk, Random rng)
    {
        int n = chunk.Length;
        int chosen = Math.Clamp((int)Math.Round(n * Settings.MaskProbability, MidpointRounding.AwayFromZero), 1, n);
        int[] input = [Specials.Classification, .. chunk, Specials.Separator];
        var labels = new int[input.Length];
        Array.Fill(labels, (int)TokenBatch.IgnoreIndex);
        int[] positions = [.. Enumerable.Range(0, n)];
        for (int i = 0; i < chosen; i++)
        {
            int j = rng.Next(i, n); // a partial Fisher-Yates shuffle: the first `chosen` positions are a uniform sample
            (positions[i], positions[j]) = (positions[j], positions[i]);
            int at = positions[i] + 1;
            labels[at] = input[at];
            double r = rng.NextDouble();
            if (r < MaskShare) input[at] = Specials.Mask;
            else if (r < MaskShare + RandomShare) input[at] = rng.Next(Specials.Count, Tokenizer.VocabularySize);
        }
        return new PretrainingExample(row, input, labels);
    }

    public override Tensor Hidden(TextNetwork model, PretrainingBatch batch) =>
        model.Encode(batch.Tokens.Ids, batch.InputPadded ? batch.Tokens.PaddingMask : null);
}
