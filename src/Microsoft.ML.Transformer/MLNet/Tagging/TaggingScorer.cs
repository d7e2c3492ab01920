using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>
/// Scores rows with a trained entity tagger: one predicted label (a key) per word, and the entities those labels
/// spell, both as text a person reads and as parallel vectors of start, length, type and score a program reads.
/// </summary>
internal sealed class TaggingScorer : ITextBatchScorer
{
    private readonly TokenTaggerModel _model;
    private readonly TextTokenizer _tokenizer;
    private readonly TaggerSettings _settings;

    public TaggingScorer(TokenTaggerModel model, TextTokenizer tokenizer, TaggerSettings settings)
    {
        (_model, _tokenizer, _settings) = (model, tokenizer, settings);
        InputColumns = [settings.TextColumn];
        var names = new VBuffer<ReadOnlyMemory<char>>(settings.LabelNames.Count, settings.LabelNames.Select(n => n.AsMemory()).ToArray());
        var keyValues = new DataViewSchema.Annotations.Builder();
        keyValues.AddKeyValues(settings.LabelNames.Count, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> dst) => names.CopyTo(ref dst));
        OutputColumns =
        [
            new ScoreColumn(TaggingColumns.PredictedLabel, new VectorDataViewType(new KeyDataViewType(typeof(uint), settings.LabelNames.Count)), keyValues.ToAnnotations()),
            new ScoreColumn(TaggingColumns.Entities, new VectorDataViewType(TextDataViewType.Instance)),
            new ScoreColumn(TaggingColumns.EntityStart, new VectorDataViewType(NumberDataViewType.Int32)),
            new ScoreColumn(TaggingColumns.EntityLength, new VectorDataViewType(NumberDataViewType.Int32)),
            new ScoreColumn(TaggingColumns.EntityType, new VectorDataViewType(TextDataViewType.Instance)),
            new ScoreColumn(TaggingColumns.EntityScore, new VectorDataViewType(NumberDataViewType.Single)),
        ];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.ScoringBatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        var rows = texts.Select(t => t[0]).ToArray();
        var predicted = TagPredictor.Predict(_model, _tokenizer, _settings.MaxLength, rows, _settings.ScoringBatchSize);
        for (int r = 0; r < rows.Length; r++)
        {
            var p = predicted[r];
            var entities = EntitySpans.Chunks(p.Classes.Select(c => _settings.LabelNames[c]).ToArray()).Select(c => Entity(rows[r], p, c)).ToArray();
            results[r][0] = p.Classes.Select(c => (uint)(c + 1)).ToArray();
            results[r][1] = entities.Select(e => e.Describe()).ToArray();
            results[r][2] = entities.Select(e => e.Start).ToArray();
            results[r][3] = entities.Select(e => e.Length).ToArray();
            results[r][4] = entities.Select(e => e.Type).ToArray();
            results[r][5] = entities.Select(e => e.Score).ToArray();
        }
    }

    /// <summary>An entity's characters in the text; its score is the mean probability of its words' predicted labels.</summary>
    private static TaggedEntity Entity(string text, TaggedWords words, EntityChunk chunk)
    {
        int start = words.Words[chunk.FirstWord].Start, end = words.Words[chunk.FirstWord + chunk.WordCount - 1].End;
        float score = words.Probabilities.Skip(chunk.FirstWord).Take(chunk.WordCount).Average();
        return new TaggedEntity(start, end - start, chunk.Type, score, text[start..end]);
    }

    private sealed record TaggedEntity(int Start, int Length, string Type, float Score, string Text)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Type} \"{Text}\" start {Start} length {Length} score {Score:F2}");
    }
}
