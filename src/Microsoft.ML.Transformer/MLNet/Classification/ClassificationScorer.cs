using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Scores texts with a trained <see cref="ClassifierModel"/>: one padded forward pass per mini-batch, no gradients,
/// every tensor freed when the batch is done. Multiclass: Score = class probabilities, PredictedLabel = the most
/// probable class as a key. Binary: Score = logit margin, Probability = its sigmoid, PredictedLabel = Probability > 0.5.
/// </summary>
internal sealed class ClassificationScorer : ITextBatchScorer
{
    private readonly ClassifierModel _model;
    private readonly TextTokenizer _tokenizer;
    private readonly ClassLabels _labels;
    private readonly ClassifierSettings _settings;

    public ClassificationScorer(ClassifierModel model, TextTokenizer tokenizer, ClassLabels labels, ClassifierSettings settings)
    {
        (_model, _tokenizer, _labels, _settings) = (model, tokenizer, labels, settings);
        InputColumns = settings.InputColumns;
        OutputColumns = labels.OutputColumns();
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.ScoringBatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        float[][] probabilities = Probabilities(texts);
        for (int r = 0; r < texts.Count; r++)
        {
            float[] p = probabilities[r];
            if (_labels.IsBinary)
            {
                // p holds the two logits here (see Probabilities).
                float margin = p[1] - p[0];
                float probability = 1f / (1f + MathF.Exp(-margin));
                results[r][0] = margin;
                results[r][1] = probability;
                results[r][2] = probability > 0.5f;
            }
            else
            {
                int best = 0;
                for (int c = 1; c < p.Length; c++)
                    if (p[c] > p[best]) best = c;
                results[r][0] = p;
                results[r][1] = (uint)(best + 1);
            }
        }
    }

    /// <summary>Per row: class probabilities (multiclass) or the two raw logits (binary).</summary>
    private float[][] Probabilities(IReadOnlyList<string[]> texts) =>
        HeadOutputs(_model, _tokenizer, _settings, texts, logits => _labels.IsBinary ? logits : logits.softmax(-1));

    /// <summary>
    /// One padded forward pass without gradients over the rows' texts; per row, the head's outputs after
    /// <paramref name="map"/>. An empty text has no tokens but the special ones: it is still scored, never skipped,
    /// so rows stay aligned.
    /// </summary>
    internal static float[][] HeadOutputs(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings,
        IReadOnlyList<string[]> texts, Func<Tensor, Tensor> map)
    {
        var rows = texts.Select((t, i) => new TextRow(i, t[0], t.Length > 1 ? t[1] : null));
        var batcher = new Batcher(settings.Encoder(tokenizer), new BatcherOptions
        {
            BatchSize = Math.Max(1, texts.Count),
            Bucketing = false,
            Device = model.Device,
            Ngrams = settings.Ngrams,
        });
        var output = new float[texts.Count][];

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var batch in batcher.Batches(rows))
        {
            using (batch)
            {
                var values = map(model.forward(batch.Ids, batch.PaddingMask, batch.Ngrams?.Bags)).to(ScalarType.Float32).cpu();   // [B, C]
                float[] flat = values.data<float>().ToArray();
                int width = (int)values.shape[1];
                for (int i = 0; i < batch.Count; i++)
                    output[batch.RowIndices[i]] = flat.AsSpan(i * width, width).ToArray();
            }
        }
        return output;
    }
}
