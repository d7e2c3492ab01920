using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// Feeds a generator to the shared <see cref="TrainingLoop"/>: length-bucketed (source, target) batches, token-level
/// cross-entropy on the targets (with label smoothing) as the loss, and the validation token loss as the metric when a
/// validation set is given.
/// </summary>
internal sealed class GeneratorTraining(TextNetwork model, TextTokenizer tokenizer, GeneratorSettings settings,
    TextGenerationOptions options, Action<string> log)
{
    private readonly TeacherForcing _teacher = new(model, tokenizer, settings);

    public TrainingResult Run(RowReader train, RowReader? validation)
    {
        var training = options.Training;
        using var loop = new TrainingLoop(model, training, HeadTraining.NetworkDecays(model), Fingerprint(), log);
        var result = loop.Run(
            epoch => _teacher.Batches(train.Read(), training.BatchSize, shuffle: true, seed: training.Seed + epoch,
                training.MaxTokensPerBatch ?? 0, epoch == 0 ? log : null),
            batch => _teacher.MeanLoss(batch, training.LabelSmoothing),
            validation is null ? null : () => ValidationLoss(validation));
        model.eval();
        return result;
    }

    private double ValidationLoss(RowReader validation)
    {
        var loss = _teacher.Measure(validation.Read(), options.ScoringBatchSize);
        if (loss.TokenCount == 0)
            throw new InvalidOperationException("The validation set has no usable rows (every source or target empty).");
        log($"Validation: token loss {loss.Loss:F4}, perplexity {loss.Perplexity:F2} over {loss.TokenCount:N0} tokens.");
        return loss.Loss;
    }

    private string Fingerprint() => HeadTraining.Fingerprint("generator", model, tokenizer,
        "columns=" + settings.SourceColumn + "," + settings.TargetColumn,
        "sourceMaxLength=" + settings.SourceMaxLength,
        "targetMaxLength=" + settings.TargetMaxLength,
        "truncation=" + settings.Truncation);
}
