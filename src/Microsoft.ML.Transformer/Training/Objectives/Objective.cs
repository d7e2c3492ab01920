using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// The settings that decide what an objective computes; saved with a pretrained model so that its per-row loss is
/// computed as in training.
/// </summary>
/// <param name="Kind">The objective (never <see cref="PretrainingObjective.Auto"/> here).</param>
/// <param name="MaxLength">Most tokens of one model input, special tokens included (the block size of a causal model).</param>
/// <param name="NoiseDensity">Share of tokens that span corruption hides.</param>
/// <param name="MeanSpanLength">Mean length of a hidden span, in tokens.</param>
/// <param name="MaskProbability">Share of tokens that masked language modelling predicts.</param>
internal sealed record ObjectiveSettings(PretrainingObjective Kind, int MaxLength, double NoiseDensity, double MeanSpanLength,
    double MaskProbability);

/// <summary>
/// A pretraining objective: how documents become examples, and which hidden states are scored against the labels.
/// The loss itself is shared (<see cref="PretrainingLoss"/>): cross-entropy over the labelled positions.
/// </summary>
internal abstract class Objective(TextTokenizer tokenizer, ObjectiveSettings settings)
{
    public TextTokenizer Tokenizer { get; } = tokenizer;

    public ObjectiveSettings Settings { get; } = settings;

    protected SpecialTokens Specials => Tokenizer.Specials;

    /// <summary>
    /// Training batches of one pass over <paramref name="texts"/>; the same seed gives the same batches (what lets a
    /// resumed run skip what it had consumed).
    /// </summary>
    public abstract IEnumerable<PretrainingBatch> TrainingBatches(IEnumerable<string> texts, int batchSize, int maxTokensPerBatch,
        int seed, Device? device);

    /// <summary>
    /// The examples that score one document on its own: every token of it (causal), or a corruption seeded by its
    /// content (span corruption, masked LM), so that a text always gets the same loss. Empty when the text has no token.
    /// </summary>
    public abstract IEnumerable<PretrainingExample> ScoringExamples(long row, int[] ids);

    /// <summary>Hidden states [B, U, D] whose positions line up with the batch's labels [B, U].</summary>
    public abstract Tensor Hidden(TextNetwork model, PretrainingBatch batch);

    /// <summary>The objective <paramref name="settings"/> describe.</summary>
    public static Objective Create(TextTokenizer tokenizer, ObjectiveSettings settings) => settings.Kind switch
    {
        PretrainingObjective.SpanCorruption => new SpanCorruption(tokenizer, settings),
        PretrainingObjective.CausalLanguageModel => new CausalLanguageModelling(tokenizer, settings),
        PretrainingObjective.MaskedLanguageModel => new MaskedLanguageModelling(tokenizer, settings),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "The objective must be resolved before it is created."),
    };

    /// <summary>A stable 32-bit FNV-1a digest of token ids: the seed of a document's scoring corruption.</summary>
    protected static int ContentSeed(int[] ids)
    {
        uint hash = 2166136261;
        foreach (int id in ids)
            hash = (hash ^ (uint)id) * 16777619;
        return (int)(hash & 0x7FFFFFFF);
    }
}

/// <summary>
/// Objectives that corrupt each document on its own (span corruption, masked LM): a document longer than
/// <see cref="ChunkLength"/> is split into even chunks, each one example; documents shorter than
/// <see cref="MinimumTokens"/> give no training example.
/// </summary>
internal abstract class ChunkedObjective(TextTokenizer tokenizer, ObjectiveSettings settings) : Objective(tokenizer, settings)
{
    /// <summary>Most text tokens in one example (the model input's length minus its special tokens).</summary>
    public abstract int ChunkLength { get; }

    /// <summary>Fewest tokens a chunk needs to make a training example.</summary>
    public abstract int MinimumTokens { get; }

    /// <summary>One example from one chunk.</summary>
    public abstract PretrainingExample Corrupt(long row, int[] chunk, Random rng);

    /// <summary>A document cut into ⌈n / ChunkLength⌉ chunks of nearly equal length, so no chunk is a short leftover.</summary>
    public IEnumerable<int[]> Chunks(int[] ids)
    {
        int count = (ids.Length + ChunkLength - 1) / ChunkLength;
        for (int i = 0; i < count; i++)
        {
            int start = (int)((long)ids.Length * i / count), end = (int)((long)ids.Length * (i + 1) / count);
            yield return ids[start..end];
        }
    }

    public override IEnumerable<PretrainingBatch> TrainingBatches(IEnumerable<string> texts, int batchSize, int maxTokensPerBatch,
        int seed, Device? device)
    {
        var corruption = new Random(seed);
        var order = new Random(unchecked(seed * 31 + 17));
        var examples = texts
            .Select((text, row) => (Row: (long)row, Ids: Tokenizer.Encode(text)))
            .SelectMany(d => Chunks(d.Ids).Where(c => c.Length >= MinimumTokens).Select(c => Corrupt(d.Row, c, corruption)));
        return new ExampleBatcher(batchSize, maxTokensPerBatch, device).Batches(examples, order);
    }

    public override IEnumerable<PretrainingExample> ScoringExamples(long row, int[] ids)
    {
        var rng = new Random(ContentSeed(ids));
        return Chunks(ids).Select(c => Corrupt(row, c, rng)).ToList();
    }
}
