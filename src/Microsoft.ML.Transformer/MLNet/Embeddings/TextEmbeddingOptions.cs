using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Embeddings;

/// <summary>
/// Everything the Transformer embedding transform can be told. The simple catalog overload sets the columns and the
/// base model; this class holds every option, each default defined here, once.
/// </summary>
public sealed class TextEmbeddingOptions : IDeviceOptions
{
    /// <summary>The text column to embed. Default <see cref="ColumnDefaults.Text"/>.</summary>
    public string InputColumnName { get; set; } = ColumnDefaults.Text;

    /// <summary>The added column, a vector of <c>Single</c> of the network's width. Default "Features".</summary>
    public string OutputColumnName { get; set; } = "Features";

    /// <summary>
    /// The fitted model whose network embeds the text: a pretrained, classification, generation or embedding
    /// transformer of this library, or a chain that contains one (the last one is used). Its network is copied, so
    /// later training of that model does not change the embeddings. Set this or <see cref="BaseModelPath"/>.
    /// </summary>
    public ITransformer? BaseModel { get; set; }

    /// <summary>The path of a saved model zip holding such a model (instead of <see cref="BaseModel"/>).</summary>
    public string? BaseModelPath { get; set; }

    /// <summary>
    /// How the hidden states of a text become one vector. Default <see cref="Pooling.Mean"/>: the mean over the
    /// text's positions (padding never counts). A decoder-only network always uses <see cref="Pooling.LastToken"/>,
    /// the only position that has seen the whole text.
    /// </summary>
    public Pooling Pooling { get; set; } = ComponentDefaults.Pooling;

    /// <summary>Scale each vector to unit L2 norm (cosine similarity becomes a dot product). Default false.</summary>
    public bool Normalize { get; set; }

    /// <summary>The most tokens read per text, special tokens included; longer texts are cut. Capped at the network's own maximum. Default: the default of <see cref="TokenizerOptions.MaxLength"/>.</summary>
    public int MaxLength { get; set; } = TokenizerOptions.DefaultMaxLength;

    /// <summary>Which end of a text longer than <see cref="MaxLength"/> is kept. Default <see cref="TruncationSide.KeepHead"/>.</summary>
    public TruncationSide TruncationSide { get; set; } = TokenizerOptions.DefaultTruncationSide;

    /// <summary>Rows embedded per forward pass by <c>Transform</c>. Default 64, at most 65,536.</summary>
    public int ScoringBatchSize { get; set; } = ComponentDefaults.ScoringBatchSize;

    /// <inheritdoc/>
    public ComputeDevice Device { get; set; } = ComponentDefaults.Device;

    /// <inheritdoc/>
    public bool AllowCpuFallback { get; set; } = ComponentDefaults.AllowCpuFallback;

    internal void Validate()
    {
        Require.Name(InputColumnName, nameof(InputColumnName), "a text column");
        Require.Name(OutputColumnName, nameof(OutputColumnName), "the output column");
        OptionChecks.ExactlyOneBaseModel(BaseModel, BaseModelPath, "embeddings come from a fitted model's network");
        Require.That(Enum.IsDefined(Pooling), nameof(Pooling), $"a defined {nameof(Modeling.Pooling)}", (int)Pooling);
        Require.That(Enum.IsDefined(TruncationSide), nameof(TruncationSide), $"a defined {nameof(Tokenization.TruncationSide)}", (int)TruncationSide);
        Require.That(MaxLength >= 3, nameof(MaxLength), "at least 3 (the framing of a text takes up to 2 special tokens)", MaxLength);
        OptionChecks.ScoringBatchSize(ScoringBatchSize);
    }
}
