using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Regression;

/// <summary>
/// Scores rows with a trained regressor: the head's one output, mapped back from the standardized scale the network
/// learned, becomes the <c>Score</c> column ML.NET's regression evaluator reads.
/// </summary>
internal sealed class RegressionScorer : ITextBatchScorer
{
    private readonly ClassifierModel _model;
    private readonly TextTokenizer _tokenizer;
    private readonly ClassifierSettings _settings;
    private readonly (double Mean, double Scale) _label;

    public RegressionScorer(ClassifierModel model, TextTokenizer tokenizer, ClassifierSettings settings, (double Mean, double Scale) label)
    {
        (_model, _tokenizer, _settings, _label) = (model, tokenizer, settings, label);
        InputColumns = settings.InputColumns;
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> v) => v = AnnotationUtils.Const.ScoreColumnKind.Regression.AsMemory());
        annotations.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> v) => v = AnnotationUtils.Const.ScoreValueKind.Score.AsMemory());
        OutputColumns = [new ScoreColumn("Score", NumberDataViewType.Single, annotations.ToAnnotations())];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.ScoringBatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        var outputs = ClassificationScorer.HeadOutputs(_model, _tokenizer, _settings, texts, head => head);
        for (int r = 0; r < texts.Count; r++)
            results[r][0] = (float)(outputs[r][0] * _label.Scale + _label.Mean);
    }
}
