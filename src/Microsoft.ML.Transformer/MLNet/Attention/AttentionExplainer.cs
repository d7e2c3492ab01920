using Microsoft.ML.Transformer.Interpretability;
using Microsoft.ML.Transformer.MLNet;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Looks inside a fitted model of this library: the attention weights of every layer and head, with the tokens,
/// as plain objects (<see cref="AttentionExplanation"/>). For pipelines, see <c>Transforms.Text.TransformerAttentionWeights</c>;
/// for pictures, <see cref="AttentionHeatmap"/>.
/// </summary>
public static class AttentionExplainer
{
    /// <summary>
    /// The attention weights <paramref name="model"/>'s network computes for <paramref name="text"/> (framed as the
    /// model frames it, e.g. "&lt;cls&gt; … &lt;sep&gt;"; cut at the network's maximum length).
    /// </summary>
    /// <param name="model">A fitted model of this library (classifier, pretrained, generator, embeddings) or a chain holding one.</param>
    /// <param name="text">The input text.</param>
    /// <param name="target">For an encoder-decoder network only: a target text, read by the decoder after "&lt;bos&gt;"
    /// (teacher forcing), which adds decoder self-attention and cross-attention.</param>
    /// <exception cref="ArgumentException">The model holds no network of this library, or a target was given to a network without both an encoder and a decoder.</exception>
    public static AttentionExplanation Explain(ITransformer model, string text, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Explain(model, [text], target is null ? null : [target])[0];
    }

    /// <summary>The attention weights for several texts at once (one batched forward pass).</summary>
    /// <param name="model">A fitted model of this library or a chain holding one.</param>
    /// <param name="texts">The input texts.</param>
    /// <param name="targets">For an encoder-decoder network only: one target per text (entries may be null).</param>
    public static IReadOnlyList<AttentionExplanation> Explain(ITransformer model, IReadOnlyList<string> texts, IReadOnlyList<string?>? targets = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        var source = PretrainedSource.Resolve(new MLContext(), model, null)!;
        return new AttentionExtractor(source.Network, source.Tokenizer, source.InputLayout, source.Network.Options.MaxLength)
            .Explain(texts, targets);
    }
}
