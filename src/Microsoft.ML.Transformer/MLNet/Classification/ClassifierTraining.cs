using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Feeds a classifier to the shared <see cref="TrainingLoop"/>: batches from the rows, cross-entropy (with label
/// smoothing) as the loss, validation accuracy (ties broken by the lower loss) as the metric when there are
/// validation rows.
/// </summary>
internal sealed class ClassifierTraining(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings,
    TrainingOptions training, Action<string> log)
{
    private readonly Action<string> _truncationLog = Batcher.Once(log);

    /// <summary>
    /// Weight of the validation loss in the metric: small enough that one more correct row out of
    /// <see cref="ValidationSplit.MaxRows"/> always outweighs it (the loss is capped at <see cref="LossCap"/>).
    /// </summary>
    private const double LossWeight = 1e-4, LossCap = 4;

    public TrainingResult Run(Func<IEnumerable<TextRow>> train, Func<IEnumerable<TextRow>>? validation)
    {
        if (settings.Ngrams is { } ngrams)
            new NgramFirstFit(model, ngrams, training, log).Run(train, validation);
        using var run = new HeadTraining(model, Decays(model), training, Fingerprint(), "accuracy", log) { LoggedMetric = "metric" };
        return run.Run(
            epoch => Batches(train, shuffle: true, seed: training.Seed + epoch),
            batch =>
            {
                var logits = model.forward(batch.Ids, batch.PaddingMask, batch.Ngrams?.Bags);                    // [B, C]
                var loss = nn.functional.cross_entropy(logits, batch.Labels!, label_smoothing: training.LabelSmoothing);
                return (loss, batch.Count);
            },
            validation is null ? null : () => ValidationMetric(validation),
            validateFirst: settings.Ngrams is not null); // the n-grams fitted alone are a model worth keeping
    }

    /// <summary>Batches of labelled rows; rows whose label is missing (key 0) are left out.</summary>
    private IEnumerable<TokenBatch> Batches(Func<IEnumerable<TextRow>> rows, bool shuffle, int seed)
    {
        var batcher = settings.TrainingBatcher(tokenizer, training, model.Device, shuffle, seed, withLabels: true, _truncationLog);
        return batcher.Batches(rows().Where(r => r.Label >= 0 && r.Label < model.Classes));
    }

    /// <summary>Validation accuracy less a small multiple of the loss, so that of two equally accurate states the surer wins.</summary>
    private double ValidationMetric(Func<IEnumerable<TextRow>> validation)
    {
        double sum = 0;
        long rows = 0, correct = 0;
        foreach (var batch in Batches(validation, shuffle: false, seed: 0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var logits = model.forward(batch.Ids, batch.PaddingMask, batch.Ngrams?.Bags);
                sum += nn.functional.cross_entropy(logits, batch.Labels!, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(-1).eq(batch.Labels!).sum().item<long>();
                rows += batch.Count;
            }
        }
        if (rows == 0)
            throw new InvalidOperationException("The validation set has no usable rows (all empty or unlabelled).");
        double loss = sum / rows, accuracy = (double)correct / rows;
        log($"Validation: loss {loss:F4}, accuracy {accuracy:P2} over {rows:N0} rows.");
        return accuracy - LossWeight * Math.Min(loss, LossCap);
    }

    /// <summary>
    /// Weight decay on the network's 2-D projection weights and on the head's weights (the n-grams' too); never on
    /// biases, norms, embeddings.
    /// </summary>
    internal static Func<string, TorchSharp.Modules.Parameter, bool> Decays(ClassifierModel model)
    {
        var body = HeadTraining.Decays(model.Body);
        return (name, p) => body(name, p) || (name.StartsWith("wide.", StringComparison.Ordinal) && p.dim() == 2);
    }

    private string Fingerprint() => HeadTraining.Fingerprint("classifier", model.Body, tokenizer,
        "classes=" + model.Classes,
        "pooling=" + model.Pooling,
        "columns=" + settings.TextColumn + "," + settings.SecondTextColumn,
        "maxLength=" + settings.MaxLength,
        "ngrams=" + settings.Ngrams);
}
