using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Embeddings;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

[assembly: LoadableClass(typeof(TextEmbeddingTransformer), null, typeof(SignatureLoadModel),
    "Transformer text embedding", TextEmbeddingTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Embeddings;

/// <summary>
/// Maps a text column to a fixed-size vector of <c>Single</c> (the pooled hidden states of a Transformer network), for
/// any ML.NET trainer or transform downstream. Lazy and mini-batched in <c>Transform</c>, row by row in
/// <c>PredictionEngine</c>; saves its own copy of the network and tokenizer into the model zip.
/// </summary>
public sealed class TextEmbeddingTransformer : TextModelTransformerBase
{
    internal const string LoaderSignature = "TxfTextEmbedding";

    private readonly EmbeddingSettings _settings;

    internal EmbeddingSettings Settings => _settings; // exported by a model folder (Interop.ModelFolder)

    internal TextEmbeddingTransformer(IHostEnvironment env, TextNetwork network, TextTokenizer tokenizer, EmbeddingSettings settings)
        : base(env, nameof(TextEmbeddingTransformer), new(network, tokenizer, inputLayout: settings.Layout), () => new EmbeddingScorer(network, tokenizer, settings))
    {
        _settings = settings;
    }

    /// <summary>The length of each vector (the network's width).</summary>
    public int Dimension => Embeddings.Dimension;

    /// <summary>The pooling in use (<see cref="Modeling.Pooling.LastToken"/> for a decoder-only network, whatever was asked).</summary>
    public Pooling Pooling => _settings.Pooling;

    /// <summary>Whether every vector has unit L2 norm.</summary>
    public bool IsNormalized => _settings.Normalize;

    /// <summary>The text column read.</summary>
    public string InputColumnName => _settings.InputColumn;

    /// <summary>The vector column added.</summary>
    public string OutputColumnName => _settings.OutputColumn;

    /// <summary>Embeds texts directly, without a data view (the same vectors <c>Transform</c> gives).</summary>
    internal float[][] Embed(IReadOnlyList<string> texts) => Embeddings.Embed(texts);

    private EmbeddingScorer Embeddings => (EmbeddingScorer)Scorer;

    // Format 1.2: the sealed block holds the settings (input and output column, layout, max length, truncation, pooling,
    // normalize, batch size, device); 1.1: the same, unsealed.
    private static readonly ComponentFormat Format = new("TXFEMBED", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: 0x00010001, "the embedding transform's settings");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, _settings.Save, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static TextEmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static TextEmbeddingTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, EmbeddingSettings.Load);
        var (network, tokenizer) = NetworkEntries.LoadNetwork(env, ctx, nameof(TextEmbeddingTransformer), settings.Device);
        return new TextEmbeddingTransformer(env, network, tokenizer, settings);
    }
}
