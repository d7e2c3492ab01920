using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>
/// Feeds a pretraining objective to the shared <see cref="TrainingLoop"/>: the objective's batches of each epoch
/// (seeded by the epoch, so a resumed run skips exactly what it had consumed), its cross-entropy as the loss, and the
/// held-out loss as the validation metric.
/// </summary>
internal sealed class PretrainingTraining(TextNetwork model, Objective objective, PretrainingScorer scorer,
    TextPretrainingOptions options, CorpusSurvey corpus, Action<string> log)
{
    /// <summary>Trains; returns the run and, with a validation set, the metrics of the weights the model ends with.</summary>
    public (TrainingResult Result, PretrainingMetrics? Validation) Run(RowReader train, RowReader? validation)
    {
        var training = options.Training;
        using var loop = new TrainingLoop(model, training, HeadTraining.NetworkDecays(model), Fingerprint(), log);
        loop.History.ValidationMetricName = "validation loss";
        var result = loop.Run(
            epoch => objective.TrainingBatches(Texts(train), training.BatchSize, training.MaxTokensPerBatch ?? 0,
                unchecked(training.Seed + epoch), model.Device),
            batch => (PretrainingLoss.Mean(objective, model, batch, training.LabelSmoothing), batch.Targets),
            validation is null ? null : () => Validate(validation).Loss);
        model.eval();
        if (validation is null)
            return (result, null);
        using (no_grad())
            return (result, Validate(validation));
    }

    private PretrainingMetrics Validate(RowReader validation)
    {
        var m = scorer.Evaluate(Texts(validation));
        log(string.Create(CultureInfo.InvariantCulture, $"Validation: loss {m.Loss:F4}, perplexity {m.Perplexity:F2}")
            + (m.BitsPerCharacter is double bits ? string.Create(CultureInfo.InvariantCulture, $", {bits:F4} bits per character") : "")
            + $" over {m.Tokens:N0} tokens of {m.Texts:N0} texts.");
        return m;
    }

    private static IEnumerable<string> Texts(RowReader reader) => reader.Read().Select(r => r.Text);

    /// <summary>
    /// Everything a checkpoint depends on besides the training options, one "name=value" line each, so that a refused
    /// resume names what differs: objective, network shape, tokenizer, text column and the corpus's size.
    /// </summary>
    private string Fingerprint()
    {
        var s = objective.Settings;
        var tokenizer = objective.Tokenizer;
        var lines = new List<string>
        {
            "component=pretraining",
            "objective=" + s.Kind,
            "objective.MaxLength=" + s.MaxLength,
            "objective.NoiseDensity=" + s.NoiseDensity.ToString("R", CultureInfo.InvariantCulture),
            "objective.MeanSpanLength=" + s.MeanSpanLength.ToString("R", CultureInfo.InvariantCulture),
            "objective.MaskProbability=" + s.MaskProbability.ToString("R", CultureInfo.InvariantCulture),
            "textColumn=" + options.TextColumnName,
            "tokenizer.Kind=" + tokenizer.Kind,
            "tokenizer.VocabularySize=" + tokenizer.VocabularySize,
            "tokenizer.SentinelCount=" + tokenizer.Specials.SentinelCount,
            "tokenizer.Fingerprint=" + tokenizer.Fingerprint,
            "corpus.Texts=" + corpus.Texts,
            "corpus.Tokens=" + corpus.Tokens,
        };
        using var json = JsonDocument.Parse(model.Options.ToJson());
        lines.AddRange(json.RootElement.EnumerateObject().Select(p => $"model.{p.Name}={p.Value.GetRawText()}"));
        return string.Join("\n", lines);
    }
}
