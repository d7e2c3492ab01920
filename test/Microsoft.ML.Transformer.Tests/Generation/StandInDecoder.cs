using Microsoft.ML.Transformer.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>
/// A deterministic stand-in language model: next-token log-probabilities are any function of the row's whole history
/// (prefix + generated). Like a real model it keeps per-row state as a tensor (the history, [B, T] int64, left-padded
/// with -1) that must survive the generator's dispose scopes and follow <see cref="Reorder"/>.
/// </summary>
internal sealed class StandInDecoder : IIncrementalDecoder, IDisposable
{
    private readonly Func<IReadOnlyList<long>, double[]> _logProbs;
    private Tensor _history;   // [B, T] int64

    /// <summary>Rows prefilled with every prefix token but the last, as the generator expects.</summary>
    public StandInDecoder(Func<IReadOnlyList<long>, double[]> logProbs, IReadOnlyList<IReadOnlyList<long>> prefixes)
    {
        _logProbs = logProbs;
        int width = prefixes.Max(p => p.Count - 1);
        var cells = new long[prefixes.Count * width];
        for (int b = 0; b < prefixes.Count; b++)
            for (int t = 0; t < width; t++)
            {
                int offset = t - (width - (prefixes[b].Count - 1));
                cells[b * width + t] = offset < 0 ? -1 : prefixes[b][offset];
            }
        _history = tensor(cells, [prefixes.Count, width]).DetachFromDisposeScope();
    }

    /// <summary>Batch size seen at every Step call.</summary>
    public List<int> StepBatchSizes { get; } = [];

    public int BatchSize => (int)_history.shape[0];

    public Tensor Step(Tensor lastTokens)
    {
        StepBatchSizes.Add(BatchSize);
        Replace(cat([_history, lastTokens.unsqueeze(1)], 1));
        long[] cells = _history.data<long>().ToArray();
        int rows = BatchSize, width = (int)_history.shape[1];
        var logits = new List<float>();
        for (int b = 0; b < rows; b++)
        {
            var row = cells.Skip(b * width).Take(width).Where(t => t >= 0).ToArray();
            logits.AddRange(_logProbs(row).Select(x => (float)x));
        }
        return tensor(logits.ToArray(), [rows, logits.Count / rows]);
    }

    public void Reorder(Tensor batchIndices, bool sourcesUnchanged = false) => Replace(_history.index_select(0, batchIndices));

    private void Replace(Tensor next)
    {
        next.DetachFromDisposeScope();
        _history.Dispose();
        _history = next;
    }

    public void Dispose() => _history.Dispose();
}

/// <summary>Small language models written as tables or functions, and an exhaustive search to check beam search.</summary>
internal static class StandInModels
{
    public const long Pad = 0, Bos = 1, Eos = 2;

    /// <summary>Log-probabilities from unnormalised positive weights (missing tokens get a tiny weight).</summary>
    public static double[] FromWeights(int vocab, params (long Token, double Weight)[] weights)
    {
        var w = Enumerable.Repeat(1e-6, vocab).ToArray();
        foreach (var (token, weight) in weights)
            w[token] = weight;
        double total = w.Sum();
        return w.Select(x => Math.Log(x / total)).ToArray();
    }

    /// <summary>A bigram model: the distribution depends only on the last token.</summary>
    public static Func<IReadOnlyList<long>, double[]> Bigram(IReadOnlyDictionary<long, double[]> table, int vocab) =>
        history => table.TryGetValue(history[^1], out var row) ? row : FromWeights(vocab, (Eos, 1));

    /// <summary>
    /// A model whose distribution is a pseudo-random function of the whole history (FNV hash → seeded draw), so
    /// every prefix has its own distribution: nothing like greedy can shortcut it.
    /// </summary>
    public static Func<IReadOnlyList<long>, double[]> Hashed(int vocab, int seed, double endBias = 0)
    {
        return history =>
        {
            ulong hash = 14695981039346656037UL ^ (ulong)seed;
            foreach (long t in history)
                hash = (hash ^ (ulong)t) * 1099511628211UL;
            var random = new Random(unchecked((int)(hash ^ (hash >> 32))));
            var logits = Enumerable.Range(0, vocab).Select(_ => 3 * random.NextDouble()).ToArray();
            logits[Eos] += endBias;
            double max = logits.Max();
            double logSum = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
            return logits.Select(z => z - logSum).ToArray();
        };
    }

    /// <summary>Emits <paramref name="script"/> token by token after a one-token prefix, then the end token.</summary>
    public static Func<IReadOnlyList<long>, double[]> Script(IReadOnlyList<long> script, int vocab) =>
        history =>
        {
            int position = history.Count - 1;
            long next = position < script.Count ? script[position] : Eos;
            return FromWeights(vocab, (next, 1e6));
        };

    /// <summary>
    /// The best continuation of <paramref name="prefix"/> by S / L^α over every sequence of at most
    /// <paramref name="maxNew"/> tokens that ends with the end token or at the length limit (beam search's search space).
    /// </summary>
    public static (long[] Tokens, double Score) Exhaustive(Func<IReadOnlyList<long>, double[]> model, IReadOnlyList<long> prefix,
        int maxNew, double alpha)
    {
        (long[], double) best = ([], double.NegativeInfinity);
        void Visit(List<long> history, double sum)
        {
            int generated = history.Count - prefix.Count;
            var logProbs = model(history);
            for (long token = 0; token < logProbs.Length; token++)
            {
                double s = sum + logProbs[token];
                int length = generated + 1;
                if (token == Eos || length == maxNew)
                {
                    double score = s / Math.Pow(length, alpha);
                    var tokens = history.Skip(prefix.Count).Concat(token == Eos ? [] : new[] { token }).ToArray();
                    if (score > best.Item2)
                        best = (tokens, score);
                }
                else
                {
                    history.Add(token);
                    Visit(history, s);
                    history.RemoveAt(history.Count - 1);
                }
            }
        }
        Visit([.. prefix], 0);
        return best;
    }

    /// <summary>Runs the generator on fresh stand-in decoders.</summary>
    public static IReadOnlyList<GeneratedSequence> Generate(Func<IReadOnlyList<long>, double[]> model, DecodingOptions options,
        IReadOnlyList<IReadOnlyList<long>> prefixes, Func<IReadOnlyList<long>, string>? decode = null)
    {
        using var decoder = new StandInDecoder(model, prefixes);
        return new Microsoft.ML.Transformer.Generation.DecodingLoop(options, 512, Eos, decode).Generate(decoder, prefixes);
    }

    /// <summary>One row from the begin token.</summary>
    public static GeneratedSequence GenerateOne(Func<IReadOnlyList<long>, double[]> model, DecodingOptions options,
        Func<IReadOnlyList<long>, string>? decode = null) =>
        Generate(model, options, [[Bos]], decode)[0];
}
