using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Interpretability;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Attention;

/// <summary>
/// Runs the network with its attention recorded over a mini-batch and writes, per row, the selected layers and heads
/// flattened [layer, head, query, key] (or the rollout [query, key]) and the tokens of both axes.
/// </summary>
internal sealed class AttentionScorer : ITextBatchScorer
{
    private readonly AttentionExtractor _extractor;
    private readonly AttentionSettings _settings;

    public AttentionScorer(TextNetwork network, TextTokenizer tokenizer, AttentionSettings settings)
    {
        _settings = settings;
        _extractor = new AttentionExtractor(network, tokenizer, settings.Layout, settings.MaxLength, settings.Truncation);
        InputColumns = settings.TargetColumn is null ? [settings.InputColumn] : [settings.InputColumn, settings.TargetColumn];
        var tokens = new VectorDataViewType(TextDataViewType.Instance);
        OutputColumns =
        [
            new ScoreColumn(settings.OutputColumn, new VectorDataViewType(NumberDataViewType.Single)),
            new ScoreColumn(settings.QueryTokensColumn, tokens),
            new ScoreColumn(settings.KeyTokensColumn, tokens),
        ];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.BatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        var sources = texts.Select(t => t[0]).ToArray();
        string?[]? targets = _settings.TargetColumn is null ? null : texts.Select(t => (string?)t[1]).ToArray();
        using var recorded = _extractor.Record(sources, targets);
        for (int r = 0; r < texts.Count; r++)
        {
            var maps = recorded.Explanation(r)[_settings.Kind].Select(_settings.Layers, _settings.Heads);
            results[r][0] = _settings.Rollout ? Flatten(maps.Rollout()) : maps.ToArray();
            results[r][1] = maps.QueryTokens.ToArray();
            results[r][2] = maps.KeyTokens.ToArray();
        }
    }

    private static float[] Flatten(float[,] matrix)
    {
        var flat = new float[matrix.Length];
        int i = 0;
        foreach (float value in matrix) flat[i++] = value;
        return flat;
    }
}
