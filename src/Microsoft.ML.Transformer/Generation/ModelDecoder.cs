using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// The <see cref="IIncrementalDecoder"/> of a real network: an <see cref="TextNetwork"/> and its
/// <see cref="DecoderCache"/>. An encoder-decoder encodes its sources once and keeps every layer's cross-attention keys
/// and values; a decoder-only model prefills its prompts. Each step then feeds one token per row through the cached
/// decoder. Logits come back on the CPU, where the generator chooses tokens; greedy tokens come from the
/// <see cref="GreedySelector"/> it was given, which may skip most of the logits.
/// </summary>
/// <remarks>The model must be in evaluation mode (dropout off). Dispose the decoder to free its cache.</remarks>
internal sealed class ModelDecoder : IIncrementalDecoder, IDisposable
{
    private readonly TextNetwork _model;
    private readonly DecoderCache _cache;
    private readonly GreedySelector? _greedy;     // the network's, shared by its decoders; null: the argmax of Step's logits

    private ModelDecoder(TextNetwork model, DecoderCache cache, GreedySelector? greedy)
    {
        _model = model;
        _cache = cache;
        _greedy = greedy;
    }

    /// <summary>Encoder-decoder: encodes <paramref name="sourceIds"/> [B, S] once; the decoder holds nothing yet (the
    /// generator's prefix is the begin token).</summary>
    /// <param name="model">A model with an encoder and a decoder.</param>
    /// <param name="sourceIds">[B, S] int64, right-padded.</param>
    /// <param name="sourcePadding">[B, S] bool, true at padding.</param>
    /// <param name="maxSteps">The most tokens the decoder will be fed (the generator's MaxNewTokens).</param>
    /// <param name="greedy">Chooses greedy tokens from hidden states; null: the argmax of <see cref="Step"/>'s logits.</param>
    public static ModelDecoder ForSources(TextNetwork model, Tensor sourceIds, Tensor sourcePadding, int maxSteps,
        GreedySelector? greedy = null)
    {
        if (!model.HasEncoder)
            throw new InvalidOperationException("This model has no encoder: give it prompts (ForPrompts), not sources.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = sourceIds.to(model.Device);
        var padding = sourcePadding.to(model.Device);
        var memory = model.Encode(ids, padding);                                          // [B, S, D]
        // The cache keeps its own copies (cross keys/values, padding); the scope frees the memory itself.
        return new ModelDecoder(model, model.StartDecoding(memory, padding, (int)ids.shape[0], maxSteps), greedy);
    }

    /// <summary>
    /// Decoder-only: prefills <paramref name="prefilled"/> [B, P] (every prompt token but the last, which the generator
    /// feeds at its first step). Rows have equal lengths, so every row's positions count from 0 as in training.
    /// </summary>
    /// <param name="model">A model with a decoder and no encoder.</param>
    /// <param name="prefilled">B rows of P tokens each; P may be 0.</param>
    /// <param name="maxSteps">P plus the most tokens the generator will feed.</param>
    /// <param name="greedy">Chooses greedy tokens from hidden states; null: the argmax of <see cref="Step"/>'s logits.</param>
    public static ModelDecoder ForPrompts(TextNetwork model, IReadOnlyList<long[]> prefilled, int maxSteps,
        GreedySelector? greedy = null)
    {
        if (model.HasEncoder)
            throw new InvalidOperationException("This model has an encoder: give it sources (ForSources), not prompts.");
        int width = prefilled[0].Length;
        if (prefilled.Any(p => p.Length != width))
            throw new ArgumentException("Prompts prefilled together must have equal lengths.", nameof(prefilled));
        var cache = model.StartDecoding(null, null, prefilled.Count, maxSteps);
        if (width > 0)
        {
            using var scope = NewDisposeScope();
            using var tokens = tensor(prefilled.SelectMany(p => p).ToArray(), [prefilled.Count, width], device: model.Device);
            model.Prefill(tokens, cache);
        }
        return new ModelDecoder(model, cache, greedy);
    }

    public int BatchSize => (int)_cache.BatchSize;

    /// <summary>The positions the cache holds so far.</summary>
    public long Length => _cache.Length;

    public Tensor Step(Tensor lastTokens)
    {
        var logits = _model.Step(lastTokens.to(_model.Device), _cache);                   // [B, V]
        return logits.device_type == DeviceType.CPU ? logits : logits.cpu();
    }

    public long[] StepGreedy(Tensor lastTokens) =>
        _greedy is null
            ? LogitsProcessing.GreedyTokens(Step(lastTokens))
            : _greedy.Next(_model.StepHidden(lastTokens.to(_model.Device), _cache));

    public void Reorder(Tensor batchIndices, bool sourcesUnchanged = false) => _cache.Reorder(batchIndices, sourcesUnchanged);

    public void Dispose() => _cache.Dispose();
}
