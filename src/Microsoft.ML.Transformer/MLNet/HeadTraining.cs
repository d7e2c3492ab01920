using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// One run of the shared <see cref="TrainingLoop"/> for a head on an encoder (classifier, regressor, entity tagger,
/// question answerer): the loop, named by the component's fingerprint and validation metric, then the model in
/// evaluation mode and one log line saying why and where training stopped. Each adapter supplies only its batches,
/// its loss and its metric.
/// </summary>
internal sealed class HeadTraining : IDisposable
{
    private readonly TrainingLoop _loop;
    private readonly nn.Module _model;
    private readonly string _metric;
    private readonly Action<string> _log;

    /// <param name="model">The model trained (the encoder and its head).</param>
    /// <param name="decays">Which parameters get weight decay.</param>
    /// <param name="training">The training options.</param>
    /// <param name="fingerprint">What a checkpoint must match to be resumed (see <see cref="Fingerprint"/>).</param>
    /// <param name="metric">The validation metric's name ("token F1"), in the history and the log.</param>
    /// <param name="log">Progress messages.</param>
    public HeadTraining(nn.Module model, Func<string, Parameter, bool> decays, TrainingOptions training, string fingerprint,
        string metric, Action<string> log)
    {
        (_model, _metric, _log) = (model, metric, log);
        _loop = new TrainingLoop(model, training, decays, fingerprint, log);
        _loop.History.ValidationMetricName = "validation " + metric;
    }

    /// <summary>How the final log line names the best validation value; default the metric's name.</summary>
    public string? LoggedMetric { get; init; }

    /// <summary>Trains (see <see cref="TrainingLoop.Run{TBatch}"/>), then puts the model in evaluation mode and logs the outcome.</summary>
    public TrainingResult Run<TBatch>(Func<int, IEnumerable<TBatch>> batchesForEpoch, Func<TBatch, (Tensor Loss, long Tokens)> loss,
        Func<double>? validate, long? batchesPerEpoch = null, bool validateFirst = false) where TBatch : IDisposable
    {
        var result = _loop.Run(batchesForEpoch, loss, validate, batchesPerEpoch, validateFirst);
        _model.eval();
        _log($"Training stopped after {result.Steps:N0} steps ({result.StopReason})" +
            (result.BestMetric is { } best ? $"; best validation {LoggedMetric ?? _metric} {best:F4} at step {result.BestStep:N0}." : "."));
        return result;
    }

    public void Dispose() => _loop.Dispose();

    /// <summary>
    /// What a checkpoint must match to be resumed, one line each: the component, the network's options, the
    /// tokenizer, then the component's own lines.
    /// </summary>
    public static string Fingerprint(string component, TextNetwork body, TextTokenizer tokenizer, params string[] more) =>
        string.Join("\n", new[]
        {
            "component=" + component,
            "model=" + body.Options.ToJson().ReplaceLineEndings(" "),
            "tokenizer=" + tokenizer.Fingerprint,
        }.Concat(more));

    /// <summary>Weight decay on a body's 2-D projection weights and on a head's weight (any model whose head is named "head").</summary>
    public static Func<string, Parameter, bool> Decays(TextNetwork body)
    {
        var network = NetworkDecays(body);
        return (name, p) => network(name, p) || (name.StartsWith("head.", StringComparison.Ordinal) && p.dim() == 2);
    }

    /// <summary>
    /// Weight decay on a network's 2-D projection weights only, never on biases, norms or embeddings (a tied output head
    /// included): the generator's and the pretraining's rule, and the body's part of <see cref="Decays"/>.
    /// </summary>
    public static Func<string, Parameter, bool> NetworkDecays(TextNetwork network)
    {
        var decays = network.ParameterGroups().Where(g => g.Decay).Select(g => g.Parameter.Handle).ToHashSet();
        return (_, p) => decays.Contains(p.Handle);
    }

    /// <summary>The indices 0..<paramref name="count"/>-1 in a seeded random order, cut into batches.</summary>
    public static IEnumerable<int[]> Shuffled(int count, int batchSize, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order.Chunk(batchSize);
    }

    /// <summary>The batches of one epoch over <paramref name="count"/> items.</summary>
    public static long BatchesPerEpoch(int count, int batchSize) => (count + batchSize - 1) / batchSize;
}
