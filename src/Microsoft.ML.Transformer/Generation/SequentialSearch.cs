using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Greedy decoding and sampling over B rows at once: one token per live row per <see cref="Step"/>. Finished rows are
/// dropped from the decoder (<see cref="IIncrementalDecoder.Reorder"/>), so later steps cost only what is still live.
/// </summary>
internal sealed class SequentialSearch : IDisposable
{
    private readonly IIncrementalDecoder _decoder;
    private readonly DecodingOptions _options;
    private readonly long _endId;
    private readonly Func<IReadOnlyList<long>, string>? _decode;
    private readonly StopSequenceMatcher _stops;
    private readonly torch.Generator? _random;     // sampling with temperature > 0 only
    private readonly List<long>[] _histories;      // per source row: prefix + generated tokens
    private readonly int[] _prefixLengths;
    private readonly double[] _logProbs;           // per source row: summed model log-probabilities (NaN when not asked for)
    private readonly bool _scoreTokens;
    private readonly bool _plainGreedy;            // the argmax of the raw logits is all a step needs
    private readonly GeneratedSequence?[] _results;
    private List<int> _live;                       // decoder row i holds source row _live[i]
    private int _steps;

    public SequentialSearch(IIncrementalDecoder decoder, IReadOnlyList<IReadOnlyList<long>> prefixes, DecodingOptions options,
        long endId, Func<IReadOnlyList<long>, string>? decode, StopSequenceMatcher stops, bool scoreTokens = true)
    {
        _decoder = decoder;
        _options = options;
        _endId = endId;
        _decode = decode;
        _stops = stops;
        _histories = prefixes.Select(p => new List<long>(p)).ToArray();
        _prefixLengths = prefixes.Select(p => p.Count).ToArray();
        _scoreTokens = scoreTokens;
        _logProbs = new double[prefixes.Count];
        if (!scoreTokens) Array.Fill(_logProbs, double.NaN);
        _results = new GeneratedSequence?[prefixes.Count];
        _live = Enumerable.Range(0, prefixes.Count).ToList();
        if (options.Strategy == DecodingStrategy.Sampling && options.Temperature > 0)
            _random = new torch.Generator(unchecked((ulong)(options.Seed ?? Random.Shared.Next())));
        _plainGreedy = _random is null && !scoreTokens && options.RepetitionPenalty == 1.0 && options.NoRepeatNgramSize == 0;
    }

    /// <summary>True once every row has finished.</summary>
    public bool IsDone => _live.Count == 0;

    /// <summary>Per source row, the finished sequence (null while the row is live).</summary>
    public IReadOnlyList<GeneratedSequence?> Results => _results;

    /// <summary>The tokens generated so far for a source row (the end token never included).</summary>
    public IReadOnlyList<long> Generated(int row) =>
        _results[row] is { } done
            ? done.Tokens
            : _histories[row].GetRange(_prefixLengths[row], _histories[row].Count - _prefixLengths[row]);

    /// <summary>Generates one token for every live row.</summary>
    public void Step()
    {
        if (IsDone)
            throw new InvalidOperationException("Every row has finished.");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        _steps++;

        var liveHistories = _live.Select(r => _histories[r]).ToArray();
        using var last = tensor(liveHistories.Select(h => h[^1]).ToArray());       // [A]
        long[] tokens;
        float[] tokenLogProbs = [];
        if (_plainGreedy)
            tokens = _decoder.StepGreedy(last);                                    // no logits needed: the decoder may skip them
        else
        {
            var logits = _decoder.Step(last).to(ScalarType.Float32);               // [A, V]
            var next = ChooseNext(LogitsProcessing.ApplyPenalties(logits, liveHistories, _options));   // [A]
            tokens = next.data<long>().ToArray();
            if (_scoreTokens) tokenLogProbs = TokenLogProbabilities(logits, next);
        }

        var survivors = new List<int>();   // decoder rows that stay
        for (int i = 0; i < _live.Count; i++)
        {
            int row = _live[i];
            if (_scoreTokens) _logProbs[row] += tokenLogProbs[i];
            if (tokens[i] == _endId)
            {
                Finish(row, FinishReason.EndToken, text: null);
                continue;
            }
            _histories[row].Add(tokens[i]);
            if (!_stops.IsEmpty)
            {
                string text = _decode!(Generated(row));
                int cut = _stops.FindCut(text);
                if (cut >= 0)
                {
                    Finish(row, FinishReason.StopSequence, text[..cut]);
                    continue;
                }
            }
            if (_steps == _options.MaxNewTokens)
                Finish(row, FinishReason.MaxNewTokens, text: null);
            else
                survivors.Add(i);
        }

        if (survivors.Count > 0 && survivors.Count < _live.Count)
        {
            using var keep = tensor(survivors.Select(i => (long)i).ToArray());
            _decoder.Reorder(keep);
        }
        _live = survivors.Select(i => _live[i]).ToList();
    }

    // The model's log-probability of each chosen token (reported, never shaped by penalties or filters):
    // z_chosen − logsumexp(z), which reads the logits once instead of writing a whole log_softmax table.
    // logits [A, V], chosen [A] → [A]
    private static float[] TokenLogProbabilities(Tensor logits, Tensor chosen) =>
        (logits.gather(1, chosen.unsqueeze(1)).squeeze(1) - logits.logsumexp(-1)).data<float>().ToArray();

    /// <param name="logits">[A, V] after penalties.</param>
    /// <returns>[A] int64.</returns>
    private Tensor ChooseNext(Tensor logits)
    {
        if (_random is null)   // greedy, or sampling at temperature 0
            return LogitsProcessing.Greedy(logits);
        var probs = LogitsProcessing.ApplySamplingFilters(logits, _options).softmax(-1);
        return torch.multinomial(probs, 1, replacement: false, generator: _random).squeeze(1);
    }

    private void Finish(int row, FinishReason reason, string? text)
    {
        long[] tokens = Generated(row).ToArray();
        text ??= _decode?.Invoke(tokens);
        _results[row] = new GeneratedSequence(tokens, _logProbs[row], _logProbs[row], reason, text);
    }

    public void Dispose() => _random?.Dispose();
}
