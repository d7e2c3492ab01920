using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.TokenIds;

/// <summary>
/// Texts → the ids the network reads (special tokens included, cut to MaxLength as in training and scoring) and an
/// attention mask of ones. Each row is its own sequence, so it needs no padding; a caller that stacks rows pads the
/// ids with the padding id and the mask with zeros.
/// </summary>
internal sealed class TokenIdsScorer : ITextBatchScorer
{
    private static readonly VectorDataViewType Int64Vector = new(NumberDataViewType.Int64);

    private readonly TextTokenizer _tokenizer;
    private readonly TokenIdsSettings _settings;

    public TokenIdsScorer(TextTokenizer tokenizer, TokenIdsSettings settings)
    {
        (_tokenizer, _settings) = (tokenizer, settings);
        InputColumns = settings.InputColumns;
        OutputColumns = [new ScoreColumn(settings.IdsColumn, Int64Vector), new ScoreColumn(settings.MaskColumn, Int64Vector)];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.BatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        // One encoder per call: it counts truncated rows, and calls may come from several threads.
        var encoder = new SequenceEncoder(_tokenizer, _settings.Layout, _settings.MaxLength, _settings.Truncation);
        for (int r = 0; r < texts.Count; r++)
        {
            var (input, _) = encoder.Encode(new TextRow(r, texts[r][0], texts[r].Length > 1 ? texts[r][1] : null));
            var ids = new long[input.Length];
            for (int i = 0; i < input.Length; i++) ids[i] = input[i];
            var mask = new long[input.Length];
            Array.Fill(mask, 1L);
            results[r][0] = ids;
            results[r][1] = mask;
        }
    }
}
