using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Beam search over B sources at once: the decoder holds A·W rows (A live sources, W beams each, source-major). Each
/// step scores every (beam, token) extension, keeps the W best that do not end, and files the ending ones with
/// <see cref="BeamHypotheses"/>. Finished sources leave the decoder through the same <see cref="IIncrementalDecoder.Reorder"/>
/// that selects the beams.
/// </summary>
internal sealed class BeamSearch
{
    private readonly IIncrementalDecoder _decoder;
    private readonly DecodingOptions _options;
    private readonly long _endId;
    private readonly Func<IReadOnlyList<long>, string>? _decode;
    private readonly StopSequenceMatcher _stops;
    private readonly int _width;

    // Per decoder row (A·W of them): the beam's state. A beam with score -inf is a placeholder that never extends.
    private List<Beam> _beams = [];
    private List<int> _liveSources = [];
    private readonly BeamHypotheses[] _hypotheses;

    private sealed record Beam(List<long> History, int PrefixLength, double Score, double ModelLogProb)
    {
        public long[] Generated => History.GetRange(PrefixLength, History.Count - PrefixLength).ToArray();
    }

    public BeamSearch(IIncrementalDecoder decoder, DecodingOptions options, long endId,
        Func<IReadOnlyList<long>, string>? decode, StopSequenceMatcher stops, int sources)
    {
        _decoder = decoder;
        _options = options;
        _endId = endId;
        _decode = decode;
        _stops = stops;
        _width = options.BeamWidth;
        _hypotheses = Enumerable.Range(0, sources).Select(_ => new BeamHypotheses(_width, options.LengthPenalty)).ToArray();
    }

    /// <summary>Runs to the end and returns the best sequence per source.</summary>
    public GeneratedSequence[] Run(IReadOnlyList<IReadOnlyList<long>> prefixes)
    {
        // Every source starts as W copies of its one row; only the first may extend at step 1 (the others score -inf),
        // so the first step's W best come from distinct tokens rather than W copies of one.
        using (var scope = torch.NewDisposeScope())
            _decoder.Reorder(tensor(Enumerable.Range(0, prefixes.Count).SelectMany(s => Enumerable.Repeat((long)s, _width)).ToArray()));
        _liveSources = Enumerable.Range(0, prefixes.Count).ToList();
        _beams = _liveSources.SelectMany(s => Enumerable.Range(0, _width).Select(w =>
            new Beam(new List<long>(prefixes[s]), prefixes[s].Count, w == 0 ? 0 : double.NegativeInfinity, 0))).ToList();

        for (int step = 1; _liveSources.Count > 0; step++)
            Step(step);
        return _hypotheses.Select(h => h.Best ?? throw new InvalidOperationException("Beam search finished a source without any sequence.")).ToArray();
    }

    private void Step(int step)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int live = _liveSources.Count;

        using var last = tensor(_beams.Select(b => b.History[^1]).ToArray());             // [A·W]
        var logits = _decoder.Step(last).to(ScalarType.Float32);                          // [A·W, V]
        long vocab = logits.shape[1];
        var modelLogProbs = logits.log_softmax(-1);                                       // [A·W, V]
        var histories = _beams.Select(b => b.History).ToArray();
        var penalised = LogitsProcessing.ApplyPenalties(logits, histories, _options);   // the logits themselves when off
        var ranked = (ReferenceEquals(penalised, logits) ? modelLogProbs : penalised.log_softmax(-1))
            .Plus(tensor(_beams.Select(b => (float)b.Score).ToArray()).unsqueeze(1)); // [A·W, V] running sums
        int k = (int)Math.Min(2L * _width, _width * vocab);   // 2W: enough that W survive even if W of them end
        var (topScores, topIndices) = ranked.view(live, _width * vocab).topk(k, dim: -1); // [A, k] each
        float[] scores = topScores.data<float>().ToArray();
        long[] indices = topIndices.data<long>().ToArray();
        float[] modelScores = modelLogProbs.view(live, _width * vocab).gather(1, topIndices).data<float>().ToArray();

        var nextBeams = new List<Beam>(live * _width);
        var reorder = new List<long>(live * _width);
        var stillLive = new List<int>(live);
        for (int a = 0; a < live; a++)
        {
            int source = _liveSources[a];
            var hyps = _hypotheses[source];
            var chosen = new List<(int Row, Beam Beam)>(_width);
            for (int rank = 0; rank < k && chosen.Count < _width; rank++)
            {
                double score = scores[a * k + rank];
                if (double.IsNegativeInfinity(score))
                    break;   // everything below is impossible (banned, or extends a placeholder)
                int row = a * _width + (int)(indices[a * k + rank] / vocab);
                long token = indices[a * k + rank] % vocab;
                var parent = _beams[row];
                double modelLogProb = parent.ModelLogProb + modelScores[a * k + rank];
                if (token == _endId)
                {
                    // An ending outside the top W would not have been a beam: it is not a hypothesis either.
                    if (rank < _width)
                        hyps.Add(Finished(parent.Generated, score, modelLogProb, step, FinishReason.EndToken, null));
                    continue;
                }
                var beam = new Beam(new List<long>(parent.History) { token }, parent.PrefixLength, score, modelLogProb);
                string? text = _stops.IsEmpty ? null : _decode!(beam.Generated);
                if (text is not null && _stops.FindCut(text) is int cut and >= 0)
                {
                    hyps.Add(Finished(beam.Generated, score, modelLogProb, step, FinishReason.StopSequence, text[..cut]));
                    beam = beam with { Score = double.NegativeInfinity };   // ended: keep the row but never extend it
                }
                chosen.Add((row, beam));
            }

            var running = chosen.Where(c => !double.IsNegativeInfinity(c.Beam.Score)).ToList();
            if (step == _options.MaxNewTokens)
                foreach (var (_, beam) in running)
                    hyps.Add(Finished(beam.Generated, beam.Score, beam.ModelLogProb, step, FinishReason.MaxNewTokens, null));
            bool done = step == _options.MaxNewTokens || running.Count == 0
                || hyps.IsDone(running.Max(c => c.Beam.Score), step, _options.MaxNewTokens, _options.EarlyStopping);
            if (done)
                continue;

            stillLive.Add(source);
            while (chosen.Count < _width)   // too few viable extensions: pad with placeholders
                chosen.Add((chosen[0].Row, chosen[0].Beam with { Score = double.NegativeInfinity }));
            foreach (var (row, beam) in chosen)
            {
                reorder.Add(row);
                nextBeams.Add(beam);
            }
        }

        // While every source goes on, each row's new beam comes from its own source's rows: the encoder state stays.
        if (stillLive.Count > 0)
            _decoder.Reorder(tensor(reorder.ToArray()), sourcesUnchanged: stillLive.Count == live);
        _beams = nextBeams;
        _liveSources = stillLive;
    }

    private GeneratedSequence Finished(long[] tokens, double sum, double modelLogProb, int length, FinishReason reason, string? text) =>
        new(tokens, modelLogProb, BeamHypotheses.Normalise(sum, length, _options.LengthPenalty), reason, text ?? _decode?.Invoke(tokens));
}
