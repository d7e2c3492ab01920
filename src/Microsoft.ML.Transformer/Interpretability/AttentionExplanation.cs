using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// Every attention weight a network computed for one input, with its tokens: encoder self-attention for a network
/// with an encoder; decoder self-attention for a decoder-only network, or for an encoder-decoder network given a
/// target; cross-attention for an encoder-decoder network given a target.
/// </summary>
public sealed class AttentionExplanation
{
    internal AttentionExplanation(IReadOnlyList<string> sourceTokens, IReadOnlyList<string>? targetTokens,
        AttentionMaps? encoderSelf, AttentionMaps? decoderSelf, AttentionMaps? cross)
    {
        (SourceTokens, TargetTokens, EncoderSelf, DecoderSelf, Cross) = (sourceTokens, targetTokens, encoderSelf, decoderSelf, cross);
    }

    /// <summary>The tokens of the text, with the special tokens the network reads around it (e.g. "&lt;cls&gt;" … "&lt;sep&gt;").</summary>
    public IReadOnlyList<string> SourceTokens { get; }

    /// <summary>The decoder's input tokens ("&lt;bos&gt;" then the target) of an encoder-decoder network; null without a target.</summary>
    public IReadOnlyList<string>? TargetTokens { get; }

    /// <summary>Encoder self-attention; null for a decoder-only network.</summary>
    public AttentionMaps? EncoderSelf { get; }

    /// <summary>Decoder self-attention (causal); null for an encoder-only network, or an encoder-decoder one without a target.</summary>
    public AttentionMaps? DecoderSelf { get; }

    /// <summary>Cross-attention of the target over the source; null unless an encoder-decoder network was given a target.</summary>
    public AttentionMaps? Cross { get; }

    /// <summary>The maps present, in the order encoder self, decoder self, cross.</summary>
    public IReadOnlyList<AttentionMaps> All => new[] { EncoderSelf, DecoderSelf, Cross }.OfType<AttentionMaps>().ToArray();

    /// <summary>The maps of one kind.</summary>
    /// <exception cref="InvalidOperationException">The network computed no attention of that kind for this input.</exception>
    public AttentionMaps this[AttentionKind kind] => kind switch
    {
        AttentionKind.EncoderSelf => EncoderSelf,
        AttentionKind.DecoderSelf => DecoderSelf,
        _ => Cross,
    } ?? throw new InvalidOperationException(kind switch
    {
        AttentionKind.EncoderSelf => "This network has no encoder: it has no encoder self-attention.",
        AttentionKind.DecoderSelf => "No decoder ran: an encoder-only network has no decoder self-attention, and an encoder-decoder network needs a target.",
        _ => "No cross-attention ran: it needs an encoder-decoder network and a target.",
    });
}
