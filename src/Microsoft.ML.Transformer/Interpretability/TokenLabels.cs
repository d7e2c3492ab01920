using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// One readable string per token id, for axis labels and the tokens columns. Special ids are named ("&lt;cls&gt;",
/// "&lt;eos&gt;"); an ordinary id is its own decoded text, so that the ordinary labels joined give back the text.
/// A byte-level token can hold part of a character (an emoji split over three tokens); decoded alone it is only
/// U+FFFD. Such a run of tokens is decoded together, and each token of the run is labelled with the run's text and
/// its place in it: "😀[1/3]", "😀[2/3]", "😀[3/3]".
/// </summary>
internal static class TokenLabels
{
    private const char Replacement = '\uFFFD';
    private const int LongestCharacterInTokens = 4; // a UTF-8 character has at most 4 bytes

    public static string[] For(TextTokenizer tokenizer, ReadOnlySpan<int> ids)
    {
        var labels = new string[ids.Length];
        var specials = tokenizer.Specials;
        for (int i = 0; i < ids.Length;)
        {
            if (specials.IsSpecial(ids[i]))
            {
                labels[i] = specials.Name(ids[i]);
                i++;
                continue;
            }
            string piece = tokenizer.Decode(ids.Slice(i, 1));
            int run = piece.Contains(Replacement) ? CompletingRun(tokenizer, ids, i) : 1;
            if (run == 1)
            {
                labels[i] = piece;
                i++;
                continue;
            }
            string text = tokenizer.Decode(ids.Slice(i, run));
            for (int k = 0; k < run; k++)
                labels[i + k] = $"{text}[{k + 1}/{run}]";
            i += run;
        }
        return labels;
    }

    /// <summary>
    /// The fewest ordinary tokens from <paramref name="start"/> that decode without U+FFFD; 1 when none do (the text
    /// itself held a replacement character, or was cut inside a character).
    /// </summary>
    private static int CompletingRun(TextTokenizer tokenizer, ReadOnlySpan<int> ids, int start)
    {
        for (int run = 2; run <= LongestCharacterInTokens && start + run <= ids.Length; run++)
        {
            if (tokenizer.Specials.IsSpecial(ids[start + run - 1]))
                break;
            if (!tokenizer.Decode(ids.Slice(start, run)).Contains(Replacement))
                return run;
        }
        return 1;
    }
}
