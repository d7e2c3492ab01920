using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>
/// Rows → padded <see cref="TokenBatch"/>es, lazily. The steps, each optional:
/// 1. encode each row (<see cref="SequenceEncoder"/>);
/// 2. shuffle through a seeded buffer (training);
/// 3. cut the stream into windows of <c>BucketWindowBatches × BatchSize</c> rows and sort each by length, so rows
///    of like length share a batch and padding stays small;
/// 4. cut the window into batches by rows and by the token budget, pad each to its own longest row;
/// 5. shuffle the batches of a window (training), so lengths do not arrive in order.
/// Memory is bounded by the shuffle buffer plus one window, whatever the size of the data set.
/// </summary>
internal sealed class Batcher
{
    private readonly SequenceEncoder _encoder;
    private readonly BatcherOptions _options;
    private readonly Action<string>? _log;

    public Batcher(SequenceEncoder encoder, BatcherOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_encoder, _options, _log) = (encoder, options, log);
    }

    /// <summary>
    /// A log that passes each distinct message once: a fit makes a batcher per epoch and per validation, and each pass
    /// reports the same truncation.
    /// </summary>
    public static Action<string> Once(Action<string> log)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return message => { lock (seen) if (!seen.Add(message)) return; log(message); };
    }

    private readonly record struct Encoded(long Row, int[] Input, int[]? Target, long Label, HashedNgrams.Bag? Ngrams)
    {
        // Padded cost of the row: the decoder side is one longer than the target ([BOS] y / y [EOS]).
        public int Length => Input.Length + (Target is null ? 0 : Target.Length + 1);
    }

    /// <summary>One pass over <paramref name="rows"/>. Reports truncation through the log when the pass ends.</summary>
    public IEnumerable<TokenBatch> Batches(IEnumerable<TextRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var rng = new Random(_options.Seed);
        IEnumerable<Encoded> encoded = rows.Select(r =>
        {
            var (input, target) = _encoder.Encode(r);
            return new Encoded(r.Row, input, target, r.Label, _options.Ngrams?.Featurize(r.Text, r.Second));
        });
        if (_options.Shuffle) encoded = ShuffleBuffer.Shuffle(encoded, _options.ShuffleBufferRows, rng);

        int windowRows = _options.Bucketing ? _options.BucketWindowBatches * _options.BatchSize : _options.BatchSize;
        foreach (var window in encoded.Chunk(windowRows))
        {
            // A stable sort: equal lengths keep their (shuffled or original) order.
            var ordered = _options.Bucketing ? window.OrderBy(e => e.Length).ToArray() : window;
            var groups = BatchCuts.Cut(ordered, e => e.Length, _options.BatchSize, _options.MaxTokensPerBatch);
            if (_options.Shuffle) rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(groups));
            foreach (var (start, count) in groups)
                yield return Build(ordered.AsSpan(start, count));
        }
        _log?.Invoke(_encoder.Report());
    }

    private TokenBatch Build(ReadOnlySpan<Encoded> rows)
    {
        int b = rows.Length, t = 0, u = 0;
        foreach (var r in rows)
        {
            t = Math.Max(t, r.Input.Length);
            if (r.Target is not null) u = Math.Max(u, r.Target.Length + 1);
        }
        var specials = _encoder.Specials;
        var device = _options.Device;
        var ids = new long[b * t];       // zero = pad id
        var mask = new bool[b * t];
        var lengths = new long[b];
        var rowIndices = new long[b];
        var classLabels = new long[b];
        int real = 0;
        for (int i = 0; i < b; i++)
        {
            var input = rows[i].Input;
            for (int j = 0; j < input.Length; j++) ids[i * t + j] = input[j];
            mask.AsSpan(i * t + input.Length, t - input.Length).Fill(true);
            lengths[i] = input.Length;
            rowIndices[i] = rows[i].Row;
            classLabels[i] = rows[i].Label;
            real += input.Length;
        }

        if (_encoder.Layout != BatchLayout.Seq2Seq)
        {
            var labels = _options.WithLabels ? TokenBatch.Int64(classLabels, device) : null;
            var ngrams = _options.Ngrams is null ? null : NgramBatch.Build(rows.ToArray().Select(r => r.Ngrams!.Value).ToArray(), device);
            return new TokenBatch(TokenBatch.Int64(ids, b, t, device), TokenBatch.Bool(mask, b, t, device),
                TokenBatch.Int64(lengths, device), rowIndices, real, labels) { Ngrams = ngrams };
        }

        // Teacher forcing: the decoder reads [BOS] y1..yn and must predict y1..yn [EOS].
        var decoderInput = new long[b * u];
        var decoderMask = new bool[b * u];
        var targets = new long[b * u];
        Array.Fill(targets, TokenBatch.IgnoreIndex);
        for (int i = 0; i < b; i++)
        {
            var y = rows[i].Target!;
            decoderInput[i * u] = specials.Begin;
            for (int j = 0; j < y.Length; j++)
            {
                decoderInput[i * u + j + 1] = y[j];
                targets[i * u + j] = y[j];
            }
            targets[i * u + y.Length] = specials.End;
            decoderMask.AsSpan(i * u + y.Length + 1, u - y.Length - 1).Fill(true);
            real += y.Length + 1;
        }
        return new TokenBatch(TokenBatch.Int64(ids, b, t, device), TokenBatch.Bool(mask, b, t, device),
            TokenBatch.Int64(lengths, device), rowIndices, real,
            labels: TokenBatch.Int64(targets, b, u, device),
            decoderInput: TokenBatch.Int64(decoderInput, b, u, device),
            decoderPaddingMask: TokenBatch.Bool(decoderMask, b, u, device));
    }
}
