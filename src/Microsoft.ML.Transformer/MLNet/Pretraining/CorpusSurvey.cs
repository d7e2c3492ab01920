using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>
/// One pass over the training texts before any training, so that an empty corpus or texts too short for the objective
/// fail at once with a message that says what was found and what is needed.
/// </summary>
/// <param name="Texts">Texts with at least one token.</param>
/// <param name="Tokens">Their tokens, in total.</param>
/// <param name="Longest">The most tokens of one text.</param>
/// <param name="TooShort">Texts with tokens that give no training example (fewer than the objective's minimum).</param>
internal sealed record CorpusSurvey(long Texts, long Tokens, int Longest, long TooShort)
{
    /// <summary>Reads the corpus and checks it against <paramref name="objective"/>; logs a one-line summary.</summary>
    /// <exception cref="InvalidOperationException">The corpus is empty, or too short for the objective.</exception>
    public static CorpusSurvey Take(RowReader reader, string column, Objective objective, Action<string> log)
    {
        int minimum = objective is ChunkedObjective chunked ? chunked.MinimumTokens : 1;
        long texts = 0, tokens = 0, tooShort = 0;
        int longest = 0;
        foreach (var row in reader.Read())
        {
            int n = objective.Tokenizer.Encode(row.Text).Length;
            if (n == 0) continue;
            (texts, tokens, longest) = (texts + 1, tokens + n, Math.Max(longest, n));
            if (n < minimum) tooShort++;
        }
        var survey = new CorpusSurvey(texts, tokens, longest, tooShort);
        survey.Check(column, objective);
        log($"Pretraining corpus: {texts:N0} texts, {tokens:N0} tokens, the longest {longest:N0} tokens" +
            (tooShort > 0 ? $"; {tooShort:N0} texts shorter than {minimum} tokens give no example and are skipped." : "."));
        return survey;
    }

    private void Check(string column, Objective objective)
    {
        if (Texts == 0)
            throw new InvalidOperationException(
                $"The pretraining corpus is empty: column '{column}' has no row with text (the data set has no rows, or every text is empty or missing).");
        var s = objective.Settings;
        switch (s.Kind)
        {
            case PretrainingObjective.CausalLanguageModel when Tokens + Texts < s.MaxLength + 1:
                throw new InvalidOperationException(
                    $"The texts are too short for the block size: together they hold {Tokens + Texts:N0} tokens (with the end token that " +
                    $"closes each of the {Texts:N0} texts), and one block of the causal LM needs MaxLength + 1 = {s.MaxLength + 1} " +
                    "(inputs and the target after them). Lower TokenizerOptions.MaxLength or add text.");
            case PretrainingObjective.SpanCorruption when Longest < Math.Ceiling(s.MeanSpanLength) + 1:
                throw new InvalidOperationException(
                    $"The texts are too short for the chosen spans: the longest has {Longest} token(s), and span corruption with " +
                    $"MeanSpanLength {s.MeanSpanLength} needs texts of at least {Math.Ceiling(s.MeanSpanLength) + 1} tokens (one span of the " +
                    "mean length and one kept token). Lower MeanSpanLength or add longer texts.");
        }
    }
}
