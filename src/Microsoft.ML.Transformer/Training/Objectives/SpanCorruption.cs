using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// T5's denoising objective. Of a chunk of n tokens, round(n × NoiseDensity) (at least 1, at most n − 1) are hidden in
/// round(hidden / MeanSpanLength) spans (at least 1); span and kept-run lengths are random, every one at least a token,
/// and the chunk starts with kept tokens. The encoder reads the kept tokens with each hidden span replaced by its own
/// sentinel, then [EOS]; the decoder writes each sentinel followed by the tokens it hides, then [EOS]:
/// <code>
/// text:    The quick brown fox jumps over the lazy dog
/// encoder: The quick &lt;extra_id_0&gt; jumps over &lt;extra_id_1&gt; dog [EOS]
/// labels:  &lt;extra_id_0&gt; brown fox &lt;extra_id_1&gt; the lazy [EOS]
/// </code>
/// </summary>
internal sealed class SpanCorruption(TextTokenizer tokenizer, ObjectiveSettings settings) : ChunkedObjective(tokenizer, settings)
{
    /// <summary>One token of the encoder input is [EOS]; the sentinels take the place of hidden tokens.</summary>
    public override int ChunkLength => Settings.MaxLength - 1;

    /// <summary>One hidden and one kept token.</summary>
    public override int MinimumTokens => 2;

    /// <summary>The most sentinels one chunk of up to <paramref name="chunkLength"/> tokens can need.</summary>
    public static int SentinelsNeeded(int chunkLength, double noiseDensity, double meanSpanLength) =>
        Enumerable.Range(1, Math.Max(1, chunkLength)).Max(n => Spans(n, noiseDensity, meanSpanLength).Spans);

    /// <summary>How many tokens of a chunk of <paramref name="n"/> are hidden, in how many spans.</summary>
    public static (int Noise, int Spans) Spans(int n, double noiseDensity, double meanSpanLength)
    {
        if (n == 1) return (1, 1); // only when scoring a one-token text: hide it all
        int noise = Math.Clamp((int)Math.Round(n * noiseDensity, MidpointRounding.AwayFromZero), 1, n - 1);
        int spans = Math.Max(1, (int)Math.Round(noise / meanSpanLength, MidpointRounding.AwayFromZero));
        return (noise, Math.Min(spans, Math.Min(noise, n - noise)));
    }

    public override PretrainingExample Corrupt(long row, int[] chunk, Random rng)
    {
        var (noise, spans) = Spans(chunk.Length, Settings.NoiseDensity, Settings.MeanSpanLength);
        int[] hidden = Segment(noise, spans, rng);
        int[] kept = chunk.Length == noise ? [0] : Segment(chunk.Length - noise, spans, rng);
        var input = new List<int>(chunk.Length - noise + spans + 1);
        var labels = new List<int>(noise + spans + 1);
        int at = 0;
        for (int s = 0; s < spans; s++)
        {
            input.AddRange(chunk.AsSpan(at, kept[s]));
            at += kept[s];
            int sentinel = Specials.Sentinel(s);
            input.Add(sentinel);
            labels.Add(sentinel);
            labels.AddRange(chunk.AsSpan(at, hidden[s]));
            at += hidden[s];
        }
        input.Add(Specials.End);
        labels.Add(Specials.End);
        int[] decoderInput = [Specials.Begin, .. labels.Take(labels.Count - 1)];
        return new PretrainingExample(row, [.. input], [.. labels], decoderInput);
    }

    /// <summary><paramref name="items"/> split at random into <paramref name="segments"/> runs of at least one.</summary>
    private static int[] Segment(int items, int segments, Random rng)
    {
        int[] cuts = [.. Enumerable.Range(1, items - 1)];
        rng.Shuffle(cuts);
        int[] chosen = [.. cuts.Take(segments - 1).Order(), items];
        var lengths = new int[segments];
        for (int i = 0, previous = 0; i < segments; previous = chosen[i], i++)
            lengths[i] = chosen[i] - previous;
        return lengths;
    }

    public override Tensor Hidden(TextNetwork model, PretrainingBatch batch)
    {
        var tokens = batch.Tokens;
        var padding = batch.InputPadded ? tokens.PaddingMask : null;
        var memory = model.Encode(tokens.Ids, padding);
        // Decoder padding sits at the end of each row, where the causal mask already hides it from every real position.
        return model.Decode(tokens.DecoderInput!, memory, padding, null);
    }
}
