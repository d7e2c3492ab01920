using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.TokenIds;

/// <summary>
/// Texts → the ids the network reads (special tokens included, cut to MaxLength as in training and scoring) and an
/// attention mask of ones; for a wide-and-deep classifier also the text's bag of hashed n-grams (bucket ids and their
/// weights, the library's own featurisation). Each row is its own sequence, so it needs no padding; a caller that stacks
/// rows pads the ids with the padding id, the mask with zeros, and a bag with bucket 0 of weight 0.
/// </summary>
internal sealed class TokenIdsScorer : ITextBatchScorer
{
    private static readonly VectorDataViewType Int64Vector = new(NumberDataViewType.Int64);
    private static readonly VectorDataViewType SingleVector = new(NumberDataViewType.Single);

    private readonly TextTokenizer _tokenizer;
    private readonly TokenIdsSettings _settings;

    public TokenIdsScorer(TextTokenizer tokenizer, TokenIdsSettings settings)
    {
        (_tokenizer, _settings) = (tokenizer, settings);
        InputColumns = settings.InputColumns;
        var types = new[] { Int64Vector, Int64Vector, Int64Vector, SingleVector };
        OutputColumns = [.. settings.OutputColumns.Select((name, i) => new ScoreColumn(name, types[i]))];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public bool RunsLibtorch => false;

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
            if (_settings.Ngrams is { } ngrams)
                (results[r][2], results[r][3]) = Bag(ngrams.Featurize(texts[r][0], texts[r].Length > 1 ? texts[r][1] : null));
        }
    }

    // An empty text has an empty bag: it is written as bucket 0 of weight 0, which adds nothing, so no vector is empty.
    private static (long[] Ids, float[] Weights) Bag(HashedNgrams.Bag bag) =>
        bag.Ids.Length == 0 ? ([0L], [0f]) : (bag.Ids, bag.Weights);
}
