using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

// Incremental decoding with a key/value cache: each new token costs one position's work instead of the whole prefix.
// Inference only: every method here runs without gradients; call eval() first so dropout is off.
internal sealed partial class TextNetwork
{
    /// <summary>
    /// Prepares to decode <paramref name="maxSteps"/> positions for <paramref name="batchSize"/> sequences:
    /// allocates the self-attention buffers and computes every layer's cross-attention keys and values from
    /// <paramref name="memory"/> [B, S, D] once (null in a decoder-only model). The caller disposes the cache.
    /// </summary>
    public DecoderCache StartDecoding(Tensor? memory, Tensor? sourcePadding, int batchSize, int maxSteps)
    {
        var d = decoder ?? throw new InvalidOperationException("This model has no decoder (DecoderLayers is 0).");
        CheckMemory(memory);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        if (memory is not null && memory.shape[0] != batchSize)
            throw new ArgumentException($"batchSize ({batchSize}) must equal the memory's batch size ({memory.shape[0]}).", nameof(batchSize));
        if (maxSteps > Options.MaxLength && !Options.AllowLengthExtrapolation)
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps,
                $"maxSteps ({maxSteps}) exceeds {nameof(ModelOptions.MaxLength)} ({Options.MaxLength}); set " +
                $"{nameof(ModelOptions.AllowLengthExtrapolation)} (Sinusoidal, Rotary or None positions) to decode further.");

        using var noGrad = no_grad();
        int layers = d.Layers.Count;
        long heads = Options.Heads, headDim = Options.HeadDimension;
        var keys = new Tensor[layers];
        var values = new Tensor[layers];
        var crossKeys = new Tensor?[layers];
        var crossValues = new Tensor?[layers];
        var linearStates = new Tensor?[layers];
        bool linear = Options.Attention == AttentionVariant.Linear;
        long width = linear ? 0 : headDim; // linear attention keeps a constant-size state instead of keys and values
        for (int i = 0; i < layers; i++)
        {
            keys[i] = empty([batchSize, heads, maxSteps, width], ComputeType, Device);     // [B, H, Tmax, Dh]
            values[i] = empty([batchSize, heads, maxSteps, width], ComputeType, Device);
            if (linear) linearStates[i] = LinearAttention.EmptyState(batchSize, heads, headDim, Device); // [B, H, Dh, Dh + 1]
            if (memory is not null)
            {
                // Contiguous once here, so the attention kernel does not copy these strided views at every step.
                var (k, v) = d.Layers[i].CrossAttention!.ProjectMemory(memory);               // [B, H, S, Dh]
                (crossKeys[i], crossValues[i]) = (k.contiguous(), v.contiguous());
            }
        }
        // The cross-attention mask is the same at every step: build it once.
        var crossMask = AttentionMasks.KeyPadding(sourcePadding, ComputeType);
        // The caller's padding tensor may die with its scope: the cache keeps a copy.
        return new DecoderCache(keys, values, crossKeys, crossValues, crossMask.Additive, crossMask.KeyPadding?.clone(), linearStates);
    }

    /// <summary>Feeds one token per sequence, lastTokens [B] (int64) → logits [B, V] of the next token.</summary>
    public Tensor Step(Tensor lastTokens, DecoderCache cache) => Prefill(lastTokens.unsqueeze(1), cache);

    /// <summary>
    /// Feeds several tokens per sequence, tokens [B, Tn] (a prompt, or one step), after what the cache already holds;
    /// returns the logits [B, V] that follow the last of them. <paramref name="padding"/> [B, Tn] (true = padding)
    /// marks positions that later positions must not see, e.g. the left padding of prompts of unequal length;
    /// positions still count from the start of each row.
    /// </summary>
    public Tensor Prefill(Tensor tokens, DecoderCache cache, Tensor? padding = null) => Logits(Advance(tokens, cache, padding));

    /// <summary>
    /// Feeds one token per sequence, lastTokens [B] (int64) → the new position's hidden state [B, D], whose
    /// <see cref="Logits"/> are what <see cref="Step"/> returns: for a decoder that chooses tokens without every logit.
    /// </summary>
    public Tensor StepHidden(Tensor lastTokens, DecoderCache cache) => Advance(lastTokens.unsqueeze(1), cache, null);

    // Prefill up to the head: the last new position's hidden state [B, D].
    private Tensor Advance(Tensor tokens, DecoderCache cache, Tensor? padding)
    {
        var d = decoder ?? throw new InvalidOperationException("This model has no decoder (DecoderLayers is 0).");
        long n = tokens.shape[1], start = cache.Length;
        if (tokens.shape[0] != cache.BatchSize)
            throw new ArgumentException($"The batch ({tokens.shape[0]}) must match the cache's ({cache.BatchSize}).", nameof(tokens));
        if (start + n > cache.Capacity)
            throw new InvalidOperationException($"The cache holds {cache.Capacity} positions; {start} are used and {n} more were fed.");
        if (cache.DType != ComputeType)
            throw new InvalidOperationException($"The cache was made for {cache.DType}; the model now computes in {ComputeType}. Keep Precision fixed while decoding.");

        using var noGrad = no_grad();
        if (padding is not null)
        {
            if (cache.Padding is null)
                cache.Padding = DecoderCache.Own(zeros([cache.BatchSize, cache.Capacity], ScalarType.Bool, Device));
            cache.Padding.narrow(1, start, n).copy_(padding);
        }
        var x = Embed(TargetEmbedding, targetPositions, tokens, start);                      // [B, Tn, D]
        var selfMask = AttentionMasks.CausalWithPadding(cache.Padding?.narrow(1, 0, start + n), n, start, ComputeType, Device);
        var crossMask = new AttentionMask(cache.CrossMask, false) { KeyPadding = cache.CrossKeyPadding };
        var hidden = d.Cached(x, cache, selfMask, crossMask);                                // [B, Tn, D]
        return hidden.select(1, n - 1);                                                      // [B, D]
    }
}
