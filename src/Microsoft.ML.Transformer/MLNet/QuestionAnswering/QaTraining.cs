using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>
/// Feeds a question answerer to the shared <see cref="TrainingLoop"/>: shuffled batches of windows, each with the
/// positions of its answer's first and last word (or [CLS] when the answer is not whole inside that window), the
/// cross-entropy of both as the loss and, with validation rows, token F1 as the metric.
/// </summary>
internal sealed class QaTraining(TokenTaggerModel model, TextTokenizer tokenizer, QaSettings settings, TrainingOptions training, Action<string> log)
{
    public TrainingResult Run(IReadOnlyList<AnswerRow> train, IReadOnlyList<AnswerRow>? validation)
    {
        var windows = train.SelectMany((row, r) => QaWindows.Split(tokenizer, settings, r, row.Question, row.Context, row.Words)
            .Select(w => (Window: w, Target: Target(w, row)))).ToArray();
        int outside = windows.Count(w => w.Target.Start == 0);
        log($"Question answering: {train.Count:N0} rows in {windows.Length:N0} windows of at most {settings.MaxLength} tokens " +
            $"({outside:N0} without their row's whole answer).");
        using var run = new HeadTraining(model, HeadTraining.Decays(model.Body), training, Fingerprint(), "token F1", log);
        return run.Run(
            epoch => Batches(windows, training.Seed + epoch),
            batch => (AnswerSpans.Loss(model, batch), batch.Windows),
            validation is null ? null : () => ValidationF1(validation),
            batchesPerEpoch: HeadTraining.BatchesPerEpoch(windows.Length, training.BatchSize));
    }

    /// <summary>The positions of the answer's first and last word in the window, or (0, 0) when the window does not hold all of it.</summary>
    private static (int Start, int End) Target(TagWindow window, AnswerRow row)
    {
        int first = row.FirstWord - window.FirstWord, last = row.LastWord - window.FirstWord;
        return first >= 0 && last < window.Positions.Length ? (window.Positions[first], window.Positions[last]) : (0, 0);
    }

    private IEnumerable<AnswerBatch> Batches((TagWindow Window, (int Start, int End) Target)[] windows, int seed)
    {
        foreach (var chunk in HeadTraining.Shuffled(windows.Length, training.BatchSize, seed))
            yield return AnswerSpans.Batch(chunk.Select(i => windows[i].Window).ToArray(), chunk.Select(i => windows[i].Target).ToArray(), model.Device);
    }

    private double ValidationF1(IReadOnlyList<AnswerRow> validation)
    {
        var found = AnswerSpans.Find(model, tokenizer, settings, validation.Select(r => r.Context).ToArray(), validation.Select(r => r.Question).ToArray());
        var metrics = QuestionAnsweringMetrics.Compute(validation.Select((row, i) =>
            (found[i].Length == 0 ? "" : row.Context.Substring(found[i][0].Start, found[i][0].Length), (IReadOnlyList<string>)[row.Answer])));
        log($"Validation: exact match {metrics.ExactMatch:P1}, token F1 {metrics.F1:F4} over {metrics.Rows:N0} rows.");
        return metrics.F1;
    }

    private string Fingerprint() => HeadTraining.Fingerprint("question-answerer", model.Body, tokenizer,
        "columns=" + settings.ContextColumn + "," + settings.QuestionColumn,
        "maxLength=" + settings.MaxLength,
        "stride=" + settings.Stride);
}
