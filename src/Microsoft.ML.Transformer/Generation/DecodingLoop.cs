using System.Runtime.CompilerServices;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Generates token sequences from an <see cref="IIncrementalDecoder"/> with any <see cref="DecodingStrategy"/>, for B
/// rows at once, or streams the text of one row as it grows.
/// </summary>
/// <remarks>
/// Each row starts from a prefix: the tokens the model has already seen (e.g. the begin token of an encoder-decoder, or
/// the prompt of a decoder-only model). The decoder must already hold all but the last prefix token; the last is fed at
/// the first step. Penalties (<see cref="DecodingOptions.RepetitionPenalty"/>, <see cref="DecodingOptions.NoRepeatNgramSize"/>)
/// see the whole prefix.
/// </remarks>
internal sealed class DecodingLoop
{
    private readonly DecodingOptions _options;
    private readonly long _endId;
    private readonly Func<IReadOnlyList<long>, string>? _decode;
    private readonly StopSequenceMatcher _stops;

    /// <param name="options">Validated here against <paramref name="maxModelLength"/>.</param>
    /// <param name="maxModelLength">The most positions the model can hold.</param>
    /// <param name="endId">The end token: a row stops when it is produced.</param>
    /// <param name="decode">Token ids → text; needed for stop sequences and streaming, and fills
    /// <see cref="GeneratedSequence.Text"/> when given.</param>
    public DecodingLoop(DecodingOptions options, int maxModelLength, long endId, Func<IReadOnlyList<long>, string>? decode = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(maxModelLength);
        if (options.StopSequences.Count > 0 && decode is null)
            throw new ArgumentException($"{nameof(DecodingOptions)}.{nameof(DecodingOptions.StopSequences)} need a decode function.", nameof(decode));
        _options = options;
        _endId = endId;
        _decode = decode;
        _stops = new StopSequenceMatcher(options.StopSequences);
    }

    /// <summary>Generates one sequence per prefix (beam search: the best one).</summary>
    /// <param name="decoder">Holds <c>prefixes.Count</c> rows, prefilled with all but the last token of each prefix.</param>
    /// <param name="prefixes">B non-empty prefixes.</param>
    /// <param name="logProbabilities">
    /// Whether greedy decoding and sampling sum each row's <see cref="GeneratedSequence.LogProbability"/> (a log-sum-exp
    /// over the vocabulary at every step); when false it is NaN. Beam search
    /// always has it: it ranks by it.
    /// </param>
    public IReadOnlyList<GeneratedSequence> Generate(IIncrementalDecoder decoder, IReadOnlyList<IReadOnlyList<long>> prefixes,
        bool logProbabilities = true)
    {
        CheckInputs(decoder, prefixes);
        if (_options.Strategy == DecodingStrategy.Beam)
            return new BeamSearch(decoder, _options, _endId, _decode, _stops, prefixes.Count).Run(prefixes);

        using var search = new SequentialSearch(decoder, prefixes, _options, _endId, _decode, _stops, logProbabilities);
        while (!search.IsDone)
            search.Step();
        return search.Results.Select(r => r!).ToArray();
    }

    /// <summary>
    /// Generates one row (greedy or sampling) and yields its text in pieces as tokens arrive; the pieces concatenate to
    /// the final text (cut at a stop sequence). A piece never ends inside a multi-byte character.
    /// </summary>
    /// <param name="decoder">Holds one row, prefilled with all but the last prefix token.</param>
    /// <param name="prefix">The row's prefix.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    public IEnumerable<string> Stream(IIncrementalDecoder decoder, IReadOnlyList<long> prefix, CancellationToken cancellationToken = default)
    {
        if (_options.Strategy == DecodingStrategy.Beam)
            throw new NotSupportedException("Streaming needs greedy decoding or sampling: beam search only knows its best sequence at the end.");
        if (_decode is null)
            throw new InvalidOperationException("Streaming needs a decode function.");
        CheckInputs(decoder, [prefix]);
        return Iterate(decoder, prefix, _decode, cancellationToken);
    }

    /// <summary>
    /// <see cref="Stream"/> as an async sequence: each step runs on the thread pool, so the caller's thread stays free.
    /// </summary>
    public async IAsyncEnumerable<string> StreamAsync(IIncrementalDecoder decoder, IReadOnlyList<long> prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Every step is self-contained (its own dispose scope and no_grad), so consecutive steps may run on different threads.
        using var pieces = Stream(decoder, prefix, cancellationToken).GetEnumerator();
        while (await Task.Run(pieces.MoveNext, cancellationToken).ConfigureAwait(false))
            yield return pieces.Current;
    }

    private IEnumerable<string> Iterate(IIncrementalDecoder decoder, IReadOnlyList<long> prefix,
        Func<IReadOnlyList<long>, string> decode, CancellationToken cancellationToken)
    {
        using var search = new SequentialSearch(decoder, [prefix], _options, _endId, decode, _stops);
        var streamer = new TextStreamer(_stops);
        while (!search.IsDone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            search.Step();
            string text = search.IsDone ? search.Results[0]!.Text! : decode(search.Generated(0));
            string piece = streamer.Next(text, final: search.IsDone);
            if (piece.Length > 0)
                yield return piece;
        }
    }

    private static void CheckInputs(IIncrementalDecoder decoder, IReadOnlyList<IReadOnlyList<long>> prefixes)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(prefixes);
        if (prefixes.Count == 0)
            throw new ArgumentException("At least one prefix is needed.", nameof(prefixes));
        if (prefixes.Any(p => p is null || p.Count == 0))
            throw new ArgumentException("Every prefix needs at least one token (e.g. the begin token).", nameof(prefixes));
        if (decoder.BatchSize != prefixes.Count)
            throw new ArgumentException($"The decoder holds {decoder.BatchSize} rows but {prefixes.Count} prefixes were given.", nameof(decoder));
    }
}
