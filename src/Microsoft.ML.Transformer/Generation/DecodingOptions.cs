using System.Globalization;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// How text is generated. Every default is defined here, once. Call <see cref="Validate"/> before use: the generator
/// does so itself.
/// </summary>
/// <remarks>
/// The next-token logits go through, in this order: <see cref="RepetitionPenalty"/> and <see cref="NoRepeatNgramSize"/>
/// (all strategies), then, for <see cref="DecodingStrategy.Sampling"/> only, <see cref="Temperature"/>,
/// <see cref="TopK"/>, <see cref="TopP"/>, and the draw. Penalties see the whole prefix (prompt or start token) as well
/// as the generated tokens.
/// </remarks>
public sealed record DecodingOptions
{
    /// <summary>How the next token is chosen. Default <see cref="DecodingStrategy.Greedy"/>.</summary>
    public DecodingStrategy Strategy { get; init; } = DecodingStrategy.Greedy;

    /// <summary>Beam search only: partial sequences kept per source, at least 1. Default 4. With width 1, beam search
    /// returns the greedy sequence when <see cref="LengthPenalty"/> is 0 or <see cref="EarlyStopping"/> is true (with a
    /// positive length penalty it may keep searching past the greedy end for a longer sequence of better average).</summary>
    public int BeamWidth { get; init; } = 4;

    /// <summary>
    /// Beam search only: the exponent α of the length normalisation. A finished sequence of L generated tokens (the end
    /// token counted) with summed log-probability S is ranked by S / L^α. α = 0 ranks by raw log-probability (which
    /// favours short outputs), α = 1 by the mean log-probability per token; larger α favours longer outputs still.
    /// Default 1. Any finite value.
    /// </summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>
    /// Beam search only. True: a source is finished as soon as <see cref="BeamWidth"/> sequences have ended. False (the
    /// default): search goes on until no running sequence can still beat the worst kept finished one, which, since
    /// log-probabilities only fall, is decided exactly (bounding S / L^α over the lengths still reachable).
    /// </summary>
    public bool EarlyStopping { get; init; }

    /// <summary>Sampling only: logits are divided by it before top-k/top-p; below 1 sharpens, above 1 flattens.
    /// Must be ≥ 0; 0 means greedy decoding (the argmax), with top-k and top-p then irrelevant. Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Sampling only: keep the K most probable tokens (ties at the K-th logit are all kept). 0 (the default)
    /// turns it off. Must be ≥ 0.</summary>
    public int TopK { get; init; }

    /// <summary>Sampling only, nucleus sampling: keep the smallest set of most probable tokens whose probability sums to
    /// at least p (after temperature and top-k), always at least one token. Must be in (0, 1]; 1 (the default) turns it
    /// off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>
    /// CTRL-style repetition penalty θ (Keskar et al. 2019), every strategy: the logit z of each distinct token already
    /// in the row (prefix included) becomes z/θ when positive and z·θ otherwise, so θ &gt; 1 discourages repeats. Must be
    /// &gt; 0; 1 (the default) turns it off.
    /// </summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Every strategy: forbid any token that would complete an n-gram of this size already present in the row
    /// (prefix included). 0 (the default) turns it off. Must be ≥ 0.</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary>The most tokens generated per row, the end token included. Must be in [1, the model's maximum length].
    /// Default 64.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>
    /// Strings that end generation: after each token the generated text is decoded (by the caller's decode function)
    /// and, as soon as it contains one of them, the row stops and its text is cut before the earliest occurrence.
    /// Default none. Entries must be non-empty.
    /// </summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Sampling only: the random seed; equal seeds give equal outputs for equal inputs. Null (the default)
    /// draws a fresh seed for each generation call.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// The number format of the network's products and attention while generating. <see cref="Modeling.Precision.Float32"/>
    /// (the default) computes as the network was trained and saved. <see cref="Modeling.Precision.BFloat16"/> decodes
    /// with a bfloat16 copy of the weights, made on first use by each generator (the network and its float32 weights
    /// are unchanged and shared; the copy adds half their memory): faster on CPUs with
    /// AVX512-BF16 or AMX-BF16 instructions (docs/RESULTS.md), slower on others, and where two tokens are nearly tied
    /// it may choose the other one, so outputs can differ from float32's.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>Checks every option; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    /// <param name="maxModelLength">The most positions the model can hold; bounds <see cref="MaxNewTokens"/>.</param>
    public void Validate(int maxModelLength)
    {
        if (maxModelLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxModelLength), maxModelLength, "The model's maximum length must be at least 1.");
        if (!Enum.IsDefined(Strategy))
            Fail(nameof(Strategy), $"must be a defined {nameof(DecodingStrategy)}", Strategy);
        if (!Enum.IsDefined(Precision))
            Fail(nameof(Precision), $"must be a defined {nameof(Modeling.Precision)} (Float32 or BFloat16)", Precision);
        if (BeamWidth < 1)
            Fail(nameof(BeamWidth), "must be at least 1", BeamWidth);
        if (!double.IsFinite(LengthPenalty))
            Fail(nameof(LengthPenalty), "must be a finite number", LengthPenalty);
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            Fail(nameof(Temperature), "must be a finite number ≥ 0 (0 means greedy)", Temperature);
        if (TopK < 0)
            Fail(nameof(TopK), "must be ≥ 0 (0 turns it off)", TopK);
        if (!(TopP > 0 && TopP <= 1))
            Fail(nameof(TopP), "must be in (0, 1] (1 turns it off)", TopP);
        if (!(RepetitionPenalty > 0) || double.IsInfinity(RepetitionPenalty))
            Fail(nameof(RepetitionPenalty), "must be a finite number > 0 (1 turns it off)", RepetitionPenalty);
        if (NoRepeatNgramSize < 0)
            Fail(nameof(NoRepeatNgramSize), "must be ≥ 0 (0 turns it off)", NoRepeatNgramSize);
        if (MaxNewTokens < 1 || MaxNewTokens > maxModelLength)
            Fail(nameof(MaxNewTokens), $"must be in [1, {maxModelLength}] (the model's maximum length)", MaxNewTokens);
        if (StopSequences is null)
            Fail(nameof(StopSequences), "must not be null (use an empty list)", "null");
        foreach (string s in StopSequences!)
            if (string.IsNullOrEmpty(s))
                Fail(nameof(StopSequences), "must not contain null or empty strings", s is null ? "null" : "\"\"");
    }

    // Require words the message as every option check does: the option, the rule it breaks, the value found.
    private static void Fail(string option, string rule, object value) =>
        Require.Holds(false, option, string.Create(CultureInfo.InvariantCulture, $"{option} {rule}; found {value}."));
}
