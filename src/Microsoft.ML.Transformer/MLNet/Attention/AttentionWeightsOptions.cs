using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Attention;

/// <summary>
/// Everything the attention-weights transform can be told. It adds three columns per row: <see cref="OutputColumnName"/>,
/// a variable-length vector of <c>Single</c> holding the weights flattened row-major as
/// [layer, head, query, key] over the selected layers and heads (or [query, key] with <see cref="Rollout"/>), and
/// <see cref="OutputColumnName"/> + "QueryTokens" and + "KeyTokens", variable-length vectors of text labelling the
/// rows and the columns. With Q query and K key tokens, the weight of layer l, head h, query q, key k is at index
/// ((l · heads + h) · Q + q) · K + k, where l and h count the selected layers and heads.
/// </summary>
public sealed class AttentionWeightsOptions : IDeviceOptions
{
    /// <summary>The text column the network reads (its encoder, or a decoder-only network). Default <see cref="ColumnDefaults.Text"/>.</summary>
    public string InputColumnName { get; set; } = ColumnDefaults.Text;

    /// <summary>
    /// For an encoder-decoder network: the text column its decoder reads after "&lt;bos&gt;", needed for
    /// <see cref="AttentionKind.DecoderSelf"/> and <see cref="AttentionKind.Cross"/>. Default none.
    /// </summary>
    public string? TargetColumnName { get; set; }

    /// <summary>The weights column; the token columns are named after it. Default "Attention".</summary>
    public string OutputColumnName { get; set; } = "Attention";

    /// <summary>The fitted model whose network is inspected (copied at <c>Fit</c>). Set this or <see cref="BaseModelPath"/>.</summary>
    public ITransformer? BaseModel { get; set; }

    /// <summary>The path of a saved model zip holding such a model (instead of <see cref="BaseModel"/>).</summary>
    public string? BaseModelPath { get; set; }

    /// <summary>Which attention to export. Default: encoder self-attention when the network has an encoder, else decoder self-attention.</summary>
    public AttentionKind? Kind { get; set; }

    /// <summary>The layers to export (0 = lowest), in this order. Default all.</summary>
    public int[]? Layers { get; set; }

    /// <summary>The heads to export (0-based), in this order. Default all.</summary>
    public int[]? Heads { get; set; }

    /// <summary>
    /// Export the attention rollout (Abnar and Zuidema, 2020) through the selected layers, with the selected heads
    /// averaged, instead of every matrix: one [query, key] matrix per row. Self-attention only. Default false.
    /// </summary>
    public bool Rollout { get; set; }

    /// <summary>The most tokens read per text, special tokens included; capped at the network's maximum. Default: the default of <see cref="TokenizerOptions.MaxLength"/>.</summary>
    public int MaxLength { get; set; } = TokenizerOptions.DefaultMaxLength;

    /// <summary>Which end of a text longer than <see cref="MaxLength"/> is kept. Default <see cref="TruncationSide.KeepHead"/>.</summary>
    public TruncationSide TruncationSide { get; set; } = TokenizerOptions.DefaultTruncationSide;

    /// <summary>Rows run per forward pass by <c>Transform</c>. Default 16, at most 65,536 (the weights of a batch are all kept at once).</summary>
    public int ScoringBatchSize { get; set; } = 16;

    /// <inheritdoc/>
    public ComputeDevice Device { get; set; } = ComponentDefaults.Device;

    /// <inheritdoc/>
    public bool AllowCpuFallback { get; set; } = ComponentDefaults.AllowCpuFallback;

    internal void Validate()
    {
        Require.Name(InputColumnName, nameof(InputColumnName), "a text column");
        Require.Name(OutputColumnName, nameof(OutputColumnName), "the output column");
        OptionChecks.ExactlyOneBaseModel(BaseModel, BaseModelPath, "the weights come from a fitted model's network");
        Require.That(Kind is not { } kind || Enum.IsDefined(kind), nameof(Kind), $"null or a defined {nameof(AttentionKind)}", (int?)Kind);
        if (Rollout && Kind == AttentionKind.Cross)
            throw new ArgumentException("Rollout needs self-attention; cross-attention has different query and key tokens.", nameof(Rollout));
        Require.Holds(Layers is not { Length: 0 }, nameof(Layers), "Layers must be null (every layer) or name at least one layer; found an empty list.");
        Require.Holds(Heads is not { Length: 0 }, nameof(Heads), "Heads must be null (every head) or name at least one head; found an empty list.");
        Require.That(MaxLength >= 3, nameof(MaxLength), "at least 3 (the framing of a text takes up to 2 special tokens)", MaxLength);
        Require.That(Enum.IsDefined(TruncationSide), nameof(TruncationSide), $"a defined {nameof(Tokenization.TruncationSide)}", (int)TruncationSide);
        OptionChecks.ScoringBatchSize(ScoringBatchSize);
    }
}
