using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Training.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>
/// Scores texts under a pretraining objective: per row, the mean negative log-likelihood of its predicted tokens
/// (Loss) and exp of it (Perplexity); over a set, <see cref="PretrainingMetrics"/>. A row without tokens (empty text)
/// scores NaN, ML.NET's missing value. Runs without gradients; the model must be in evaluation mode.
/// </summary>
internal sealed class PretrainingScorer : ITextBatchScorer
{
    private const int EvaluationTexts = 256;

    private readonly TextNetwork _model;
    private readonly Objective _objective;
    private readonly PretrainingSettings _settings;

    public PretrainingScorer(TextNetwork model, Objective objective, PretrainingSettings settings)
    {
        (_model, _objective, _settings) = (model, objective, settings);
        InputColumns = [settings.TextColumn];
        OutputColumns = [new(settings.LossColumn, NumberDataViewType.Single), new(settings.PerplexityColumn, NumberDataViewType.Single)];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.ScoringBatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        var (sum, count) = Losses(texts.Select(t => t[0]).ToList());
        for (int r = 0; r < texts.Count; r++)
        {
            float loss = count[r] > 0 ? (float)(sum[r] / count[r]) : float.NaN;
            results[r][0] = loss;
            results[r][1] = MathF.Exp(loss);
        }
    }

    /// <summary>Loss, perplexity and (causal LM) bits per character over <paramref name="texts"/>, read in groups.</summary>
    public PretrainingMetrics Evaluate(IEnumerable<string> texts)
    {
        double nll = 0;
        long tokens = 0, scored = 0, characters = 0;
        foreach (var group in texts.Chunk(EvaluationTexts))
        {
            var (sum, count) = Losses(group);
            for (int i = 0; i < group.Length; i++)
            {
                if (count[i] == 0) continue;
                (nll, tokens, scored) = (nll + sum[i], tokens + count[i], scored + 1);
                characters += group[i].EnumerateRunes().Count() + 1; // + the closing end token
            }
        }
        if (tokens == 0)
            throw new InvalidOperationException($"The evaluation texts hold no token to predict (every text in '{_settings.TextColumn}' is empty).");
        double loss = nll / tokens;
        double? bits = _objective.Settings.Kind == PretrainingObjective.CausalLanguageModel ? nll / characters / Math.Log(2) : null;
        return new PretrainingMetrics(loss, Math.Exp(loss), bits, tokens, scored);
    }

    /// <summary>Summed negative log-likelihood and predicted tokens of each text.</summary>
    private (double[] Sum, long[] Count) Losses(IReadOnlyList<string> texts)
    {
        var sum = new double[texts.Count];
        var count = new long[texts.Count];
        var examples = texts.SelectMany((text, row) => _objective.ScoringExamples(row, _objective.Tokenizer.Encode(text ?? "")));
        var batcher = new ExampleBatcher(_settings.ScoringBatchSize, maxTokensPerBatch: 0, _model.Device);
        using var noGrad = no_grad();
        foreach (var batch in batcher.Batches(examples, shuffle: null))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var (batchSum, batchCount) = PretrainingLoss.PerRow(_objective, _model, batch);
                for (int i = 0; i < batchSum.Length; i++)
                {
                    long row = batch.Tokens.RowIndices[i];
                    sum[row] += batchSum[i];
                    count[row] += batchCount[i];
                }
            }
        }
        return (sum, count);
    }
}
