using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Regression;

/// <summary>
/// Feeds a regressor (an encoder with a one-output head) to the shared <see cref="TrainingLoop"/>: batches from the
/// rows, the mean squared error against the standardized labels as the loss and, with a validation set, as the metric.
/// </summary>
internal sealed class RegressionTraining(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings,
    TextRegressionOptions options, Action<string> log)
{
    private readonly Action<string> _truncationLog = Batcher.Once(log);

    public TrainingResult Run(RowReader train, RegressionTargets targets, (RowReader Rows, RegressionTargets Targets)? validation)
    {
        var training = options.Training;
        using var run = new HeadTraining(model, HeadTraining.Decays(model.Body), training, Fingerprint(), "MSE (standardized)", log);
        return run.Run(
            epoch => Batches(train, shuffle: true, seed: training.Seed + epoch),
            batch => (Error(batch, targets, nn.Reduction.Mean), batch.Count),
            validation is { } v ? () => ValidationError(v.Rows, v.Targets) : null);
    }

    /// <summary>The squared error of a batch's predictions against its rows' standardized labels.</summary>
    private Tensor Error(TokenBatch batch, RegressionTargets targets, nn.Reduction reduction)
    {
        var predicted = model.forward(batch.Ids, batch.PaddingMask).squeeze(-1);                          // [B]
        var expected = torch.tensor(batch.RowIndices.Select(targets.Standardized).ToArray(), device: model.Device);
        return nn.functional.mse_loss(predicted, expected, reduction);
    }

    private IEnumerable<TokenBatch> Batches(RowReader reader, bool shuffle, int seed)
    {
        var batcher = settings.TrainingBatcher(tokenizer, options.Training, model.Device, shuffle, seed, withLabels: false, _truncationLog);
        return batcher.Batches(reader.Read());
    }

    private double ValidationError(RowReader rows, RegressionTargets targets)
    {
        double sum = 0;
        long count = 0;
        foreach (var batch in Batches(rows, shuffle: false, seed: 0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                sum += Error(batch, targets, nn.Reduction.Sum).item<float>();
                count += batch.Count;
            }
        }
        if (count == 0)
            throw new InvalidOperationException("The validation set has no usable rows (all empty).");
        log($"Validation: MSE {sum / count * targets.Scale * targets.Scale:G4} over {count:N0} rows.");
        return sum / count;
    }

    private string Fingerprint() => HeadTraining.Fingerprint("regressor", model.Body, tokenizer,
        "pooling=" + model.Pooling,
        "columns=" + settings.TextColumn + "," + settings.SecondTextColumn + "," + options.LabelColumnName,
        "maxLength=" + settings.MaxLength);
}
