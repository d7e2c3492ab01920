using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>
/// Feeds an entity tagger to the shared <see cref="TrainingLoop"/>: shuffled batches of windows, cross-entropy at each
/// word's first sub-word as the loss and, with validation rows, entity-level F1 (CoNLL) as the metric.
/// </summary>
internal sealed class TaggingTraining(TokenTaggerModel model, TextTokenizer tokenizer, TaggerSettings settings,
    TrainingOptions training, Action<string> log)
{
    /// <summary>A batch of windows and the number of words it holds labels for.</summary>
    private sealed record WordBatch(TokenBatch Tokens, long Words) : IDisposable
    {
        public void Dispose() => Tokens.Dispose();
    }

    public TrainingResult Run(IReadOnlyList<TaggedText> train, IReadOnlyList<TaggedText>? validation)
    {
        var windows = train.SelectMany((row, r) => TagWindows.Split(tokenizer, settings.MaxLength, r, row.Text, row.Words)
            .Select(w => (Window: w, Classes: row.Classes[w.FirstWord..(w.FirstWord + w.Positions.Length)]))).ToArray();
        log($"Entity tagging: {train.Count:N0} rows, {train.Sum(r => r.Words.Length):N0} words in {windows.Length:N0} windows of at most {settings.MaxLength} tokens.");
        using var run = new HeadTraining(model, HeadTraining.Decays(model.Body), training, Fingerprint(), "entity F1", log);
        return run.Run(
            epoch => Batches(windows, training.Seed + epoch),
            batch =>
            {
                var logits = model.forward(batch.Tokens.Ids, batch.Tokens.PaddingMask);                      // [B, T, L]
                var loss = nn.functional.cross_entropy(logits.view(-1, model.Labels), batch.Tokens.Labels!.view(-1),
                    ignore_index: TokenBatch.IgnoreIndex, label_smoothing: training.LabelSmoothing);
                return (loss, batch.Words);
            },
            validation is null ? null : () => ValidationF1(validation),
            batchesPerEpoch: HeadTraining.BatchesPerEpoch(windows.Length, training.BatchSize));
    }

    private IEnumerable<WordBatch> Batches((TagWindow Window, int[] Classes)[] windows, int seed)
    {
        foreach (var chunk in HeadTraining.Shuffled(windows.Length, training.BatchSize, seed))
        {
            var picked = chunk.Select(i => windows[i]).ToArray();
            yield return new WordBatch(TagPredictor.Batch(picked.Select(p => p.Window).ToArray(), picked.Select(p => p.Classes).ToArray(), model.Device),
                picked.Sum(p => (long)p.Classes.Length));
        }
    }

    private double ValidationF1(IReadOnlyList<TaggedText> validation)
    {
        var predicted = TagPredictor.Predict(model, tokenizer, settings.MaxLength, validation.Select(r => r.Text).ToArray(), settings.ScoringBatchSize);
        var names = settings.LabelNames;
        var metrics = EntityMetrics.Compute(validation.Select((row, i) =>
            ((IReadOnlyList<string>)row.Classes.Select(c => names[c]).ToArray(), (IReadOnlyList<string>)predicted[i].Classes.Select(c => names[c]).ToArray())));
        log($"Validation: entity precision {metrics.Overall.Precision:P1}, recall {metrics.Overall.Recall:P1}, F1 {metrics.Overall.F1:F4} over {metrics.Rows:N0} rows.");
        return metrics.Overall.F1;
    }

    private string Fingerprint() => HeadTraining.Fingerprint("entity-tagger", model.Body, tokenizer,
        "labels=" + string.Join(",", settings.LabelNames),
        "columns=" + settings.TextColumn,
        "maxLength=" + settings.MaxLength);
}
