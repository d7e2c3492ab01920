using Microsoft.ML.Data;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>Scores rows with a trained question answerer: the best answer, its start and score, and the top answers (see <see cref="AnswerColumns"/>).</summary>
internal sealed class AnswerScorer : ITextBatchScorer
{
    private readonly TokenTaggerModel _model;
    private readonly TextTokenizer _tokenizer;
    private readonly QaSettings _settings;

    public AnswerScorer(TokenTaggerModel model, TextTokenizer tokenizer, QaSettings settings)
    {
        (_model, _tokenizer, _settings) = (model, tokenizer, settings);
        InputColumns = [settings.ContextColumn, settings.QuestionColumn];
        OutputColumns =
        [
            new ScoreColumn(AnswerColumns.PredictedAnswer, TextDataViewType.Instance),
            new ScoreColumn(AnswerColumns.PredictedAnswerStart, NumberDataViewType.Int32),
            new ScoreColumn(AnswerColumns.Score, NumberDataViewType.Single),
            new ScoreColumn(AnswerColumns.TopAnswers, new VectorDataViewType(TextDataViewType.Instance)),
            new ScoreColumn(AnswerColumns.TopAnswerStarts, new VectorDataViewType(NumberDataViewType.Int32)),
            new ScoreColumn(AnswerColumns.TopScores, new VectorDataViewType(NumberDataViewType.Single)),
        ];
    }

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.ScoringBatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        var contexts = texts.Select(t => t[0]).ToArray();
        var questions = texts.Select(t => t[1]).ToArray();
        if (Array.FindIndex(questions, string.IsNullOrWhiteSpace) is var empty and >= 0)
            throw new InvalidOperationException($"Question column '{_settings.QuestionColumn}' is empty in a row to answer (context \"{Shorten(contexts[empty])}\"); every row needs a question.");
        var found = AnswerSpans.Find(_model, _tokenizer, _settings, contexts, questions);
        for (int r = 0; r < contexts.Length; r++)
        {
            var answers = found[r];
            string[] text = answers.Select(a => contexts[r].Substring(a.Start, a.Length)).ToArray();
            results[r][0] = text.Length > 0 ? text[0] : "";
            results[r][1] = answers.Length > 0 ? answers[0].Start : -1;
            results[r][2] = answers.Length > 0 ? answers[0].Score : 0f;
            results[r][3] = text;
            results[r][4] = answers.Select(a => a.Start).ToArray();
            results[r][5] = answers.Select(a => a.Score).ToArray();
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
