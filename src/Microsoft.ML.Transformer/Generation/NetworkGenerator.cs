using System.Runtime.CompilerServices;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Text in, text out with one network: tokenises sources, sets up a <see cref="ModelDecoder"/>, runs the
/// <see cref="DecodingLoop"/> and decodes. An encoder-decoder reads <c>source [EOS]</c> and generates after <c>[BOS]</c>; a
/// decoder-only model (no encoder) continues the prompt <c>[BOS] source [SEP]</c>, as it was trained. Safe to call from
/// several threads: every call has its own cache, and all share the network's <see cref="Greedy"/> selector.
/// </summary>
internal sealed class NetworkGenerator
{
    private readonly TextNetwork _model;
    private readonly TextTokenizer _tokenizer;
    private readonly int _sourceMaxLength;
    private readonly TruncationSide _truncation;
    private readonly GreedySelector _greedy;
    private readonly Lock _lock = new();
    private (TextNetwork Model, GreedySelector Greedy)? _other; // the network in the other precision, made when first asked for

    /// <param name="model">A network with a decoder, in evaluation mode.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="sourceMaxLength">The most tokens of a source: the encoder input with its end token, or the
    /// prompt's text tokens plus one in a decoder-only model. Longer sources are cut on the <paramref name="truncation"/> side.</param>
    /// <param name="truncation">Which end of a long source is kept.</param>
    public NetworkGenerator(TextNetwork model, TextTokenizer tokenizer, int sourceMaxLength, TruncationSide truncation)
    {
        if (!model.HasDecoder)
            throw new ArgumentException("Text generation needs a network with a decoder (DecoderLayers > 0).", nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceMaxLength, 2);
        (_model, _tokenizer, _sourceMaxLength, _truncation) = (model, tokenizer, sourceMaxLength, truncation);
        _greedy = new GreedySelector(model);
    }

    /// <summary>How greedy steps choose their tokens; it decides on its first use whether to screen the output head.</summary>
    public GreedySelector Greedy => _greedy;

    /// <summary>True when the network has no encoder: sources are prompts it continues.</summary>
    public bool IsDecoderOnly => !_model.HasEncoder;

    /// <summary>
    /// The largest <see cref="DecodingOptions.MaxNewTokens"/> the network allows: its MaxLength for an encoder-decoder;
    /// for a decoder-only model, MaxLength less the begin and separator tokens of an empty prompt (longer prompts are
    /// cut further to make room).
    /// </summary>
    public int MaxNewTokensLimit => IsDecoderOnly ? Math.Max(1, _model.Options.MaxLength - 2) : _model.Options.MaxLength;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option invalid for this network.</summary>
    public void Validate(DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(MaxNewTokensLimit);
    }

    /// <summary>One generated sequence per source, in order (beam search: the best one).</summary>
    /// <param name="sources">The texts to continue or transform.</param>
    /// <param name="options">How to decode.</param>
    /// <param name="logProbabilities">Whether greedy decoding and sampling compute each sequence's log-probability (see <see cref="DecodingLoop.Generate"/>).</param>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<string> sources, DecodingOptions options, bool logProbabilities = true)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var generator = NewDecodingLoop(options);
        if (sources.Count == 0)
            return [];
        if (!IsDecoderOnly)
        {
            using var decoder = ForSources(sources, options);
            return generator.Generate(decoder, sources.Select(_ => (IReadOnlyList<long>)[_tokenizer.Specials.Begin]).ToArray(), logProbabilities);
        }
        // Prompts of equal length share a decoder: left padding would shift positions and change what is generated.
        var results = new GeneratedSequence[sources.Count];
        var prompts = sources.Select(s => Prompt(s, options)).ToArray();
        foreach (var group in Enumerable.Range(0, sources.Count).GroupBy(i => prompts[i].Length))
        {
            int[] rows = group.ToArray();
            using var decoder = ForPrompts(rows.Select(i => prompts[i]).ToArray(), options);
            var generated = generator.Generate(decoder, rows.Select(i => (IReadOnlyList<long>)prompts[i]).ToArray(), logProbabilities);
            for (int k = 0; k < rows.Length; k++)
                results[rows[k]] = generated[k];
        }
        return results;
    }

    /// <summary>
    /// The text of one source as it grows (greedy or sampling); the pieces concatenate to what <see cref="Generate"/>
    /// returns for the same options (and seed). Options are checked before the first piece is asked for.
    /// </summary>
    public IAsyncEnumerable<string> StreamAsync(string source, DecodingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var generator = NewDecodingLoop(options);
        if (options.Strategy == DecodingStrategy.Beam)
            throw new NotSupportedException("Streaming needs greedy decoding or sampling: beam search only knows its best sequence at the end.");
        return Stream(generator, source, options, cancellationToken);
    }

    private async IAsyncEnumerable<string> Stream(DecodingLoop generator, string source, DecodingOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long[] prefix = IsDecoderOnly ? Prompt(source, options) : [_tokenizer.Specials.Begin];
        using var decoder = IsDecoderOnly ? ForPrompts([prefix], options) : ForSources([source], options);
        await foreach (string piece in generator.StreamAsync(decoder, prefix, cancellationToken).ConfigureAwait(false))
            yield return piece;
    }

    private DecodingLoop NewDecodingLoop(DecodingOptions options)
    {
        Validate(options);
        return new DecodingLoop(options, MaxNewTokensLimit, _tokenizer.Specials.End, Decode);
    }

    private string Decode(IReadOnlyList<long> ids)
    {
        var tokens = new int[ids.Count];
        for (int i = 0; i < tokens.Length; i++)
            tokens[i] = (int)ids[i];
        return _tokenizer.Decode(tokens);
    }

    /// <summary>Encoder inputs <c>source [EOS]</c>, right-padded into one batch.</summary>
    private ModelDecoder ForSources(IReadOnlyList<string> sources, DecodingOptions options)
    {
        var rows = sources.Select(s => (long[])[.. Cut(s, _sourceMaxLength - 1), _tokenizer.Specials.End]).ToArray();
        int width = rows.Max(r => r.Length);
        var ids = new long[rows.Length * width];            // 0 is the pad id
        var padding = new bool[rows.Length * width];
        for (int b = 0; b < rows.Length; b++)
        {
            rows[b].CopyTo(ids, b * width);
            padding.AsSpan(b * width + rows[b].Length, width - rows[b].Length).Fill(true);
        }
        using var scope = NewDisposeScope();
        var (model, greedy) = For(options.Precision);
        return ModelDecoder.ForSources(model, tensor(ids, [rows.Length, width]), tensor(padding, [rows.Length, width]), options.MaxNewTokens, greedy);
    }

    /// <summary>Decoder-only prompts <c>[BOS] source [SEP]</c>, all of one length.</summary>
    private ModelDecoder ForPrompts(IReadOnlyList<long[]> prompts, DecodingOptions options)
    {
        int prefilled = prompts[0].Length - 1;
        var (model, greedy) = For(options.Precision);
        return ModelDecoder.ForPrompts(model, prompts.Select(p => p[..^1]).ToArray(), prefilled + options.MaxNewTokens, greedy);
    }

    /// <summary>The network that decodes in <paramref name="precision"/>, with its greedy selector.</summary>
    private (TextNetwork Model, GreedySelector Greedy) For(Precision precision)
    {
        if (precision == _model.Precision)
            return (_model, _greedy);
        lock (_lock)
        {
            if (_other is null)
            {
                var other = _model.InferenceCopy(precision);
                _other = (other, new GreedySelector(other));
            }
            return _other.Value;
        }
    }

    /// <summary>
    /// <c>[BOS] source [SEP]</c>, the source cut so that the prompt and <see cref="DecodingOptions.MaxNewTokens"/> fit
    /// in the model's MaxLength.
    /// </summary>
    private long[] Prompt(string source, DecodingOptions options)
    {
        int room = Math.Min(_sourceMaxLength - 1, _model.Options.MaxLength - 1 - options.MaxNewTokens);
        var specials = _tokenizer.Specials;
        return [specials.Begin, .. Cut(source, Math.Max(0, room)), specials.Separator];
    }

    /// <summary>The kept side's ids of a source, at most <paramref name="keep"/>, read only as far as they need.</summary>
    private IEnumerable<long> Cut(string source, int keep) =>
        _tokenizer.Encode(source, keep, _truncation).Select(i => (long)i);
}
