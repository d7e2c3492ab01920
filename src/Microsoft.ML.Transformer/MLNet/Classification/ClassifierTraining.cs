using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Feeds a classifier to the shared <see cref="TrainingLoop"/>: batches from the rows, cross-entropy (with label
/// smoothing) as the loss, validation cross-entropy as the metric when a validation set is given.
/// </summary>
internal sealed class ClassifierTraining(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings,
    TransformerClassifierOptions options, Action<string> log)
{
    private BatchLayout Layout => settings.SecondTextColumn is null ? BatchLayout.Single : BatchLayout.Pair;

    public TrainingResult Run(RowReader train, RowReader? validation)
    {
        var training = options.Training;
        using var loop = new TrainingLoop(model, training, Decays(), Fingerprint(), log);
        var result = loop.Run(
            epoch => Batches(train, shuffle: true, seed: training.Seed + epoch),
            batch =>
            {
                var logits = model.forward(batch.Ids, batch.PaddingMask);                                  // [B, C]
                var loss = nn.functional.cross_entropy(logits, batch.Labels!, label_smoothing: training.LabelSmoothing);
                return (loss, batch.Count);
            },
            validation is null ? null : () => ValidationLoss(validation));
        model.eval();
        log($"Training stopped after {result.Steps:N0} steps ({result.StopReason})" +
            (result.BestMetric is { } best ? $"; best validation loss {best:F4} at step {result.BestStep:N0}." : "."));
        return result;
    }

    /// <summary>Batches of labelled rows; rows whose label is missing (key 0) are left out.</summary>
    private IEnumerable<TokenBatch> Batches(RowReader reader, bool shuffle, int seed)
    {
        var encoder = new SequenceEncoder(tokenizer, Layout, settings.MaxLength, settings.Truncation);
        var batcher = new Batcher(encoder, new BatcherOptions
        {
            BatchSize = options.Training.BatchSize,
            MaxTokensPerBatch = options.Training.MaxTokensPerBatch ?? 0,
            Shuffle = shuffle,
            WithLabels = true,
            Seed = seed,
            Device = model.Device,
        }, log);
        return batcher.Batches(reader.Read().Where(r => r.Label >= 0 && r.Label < model.Classes));
    }

    private double ValidationLoss(RowReader validation)
    {
        double sum = 0;
        long rows = 0, correct = 0;
        foreach (var batch in Batches(validation, shuffle: false, seed: 0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var logits = model.forward(batch.Ids, batch.PaddingMask);
                sum += nn.functional.cross_entropy(logits, batch.Labels!, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(-1).eq(batch.Labels!).sum().item<long>();
                rows += batch.Count;
            }
        }
        if (rows == 0)
            throw new InvalidOperationException("The validation set has no usable rows (all empty or unlabelled).");
        log($"Validation: loss {sum / rows:F4}, accuracy {(double)correct / rows:P2} over {rows:N0} rows.");
        return sum / rows;
    }

    /// <summary>Weight decay on the network's 2-D projection weights and on the head's weight; never on biases, norms, embeddings.</summary>
    private Func<string, TorchSharp.Modules.Parameter, bool> Decays()
    {
        var decays = model.Body.ParameterGroups().Where(g => g.Decay).Select(g => g.Parameter.Handle).ToHashSet();
        return (name, p) => decays.Contains(p.Handle) || (name.StartsWith("head.", StringComparison.Ordinal) && p.dim() == 2);
    }

    private string Fingerprint() => string.Join("\n",
        "component=classifier",
        "model=" + model.Body.Options.ToJson().ReplaceLineEndings(" "),
        "tokenizer=" + tokenizer.Fingerprint,
        "classes=" + model.Classes,
        "pooling=" + model.Pooling,
        "columns=" + settings.TextColumn + "," + settings.SecondTextColumn,
        "maxLength=" + settings.MaxLength);
}
