using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Attention;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

[assembly: LoadableClass(typeof(AttentionWeightsTransformer), null, typeof(SignatureLoadModel),
    "Transformer attention weights", AttentionWeightsTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Attention;

/// <summary>
/// Adds a network's attention weights to each row, with the tokens of both axes (layout: see
/// <see cref="AttentionWeightsOptions"/>). Lazy and mini-batched in <c>Transform</c>, row by row in
/// <c>PredictionEngine</c>; saves its own copy of the network and tokenizer into the model zip.
/// </summary>
public sealed class AttentionWeightsTransformer : TextModelTransformerBase
{
    internal const string LoaderSignature = "TxfAttentionWeights";

    private readonly AttentionSettings _settings;

    internal AttentionWeightsTransformer(IHostEnvironment env, TextNetwork network, TextTokenizer tokenizer, AttentionSettings settings)
        : base(env, nameof(AttentionWeightsTransformer), new(network, tokenizer, inputLayout: settings.Layout), () => new AttentionScorer(network, tokenizer, settings))
    {
        _settings = settings;
    }

    /// <summary>The attention exported.</summary>
    public AttentionKind Kind => _settings.Kind;

    /// <summary>The layers exported, in the order of the weights column.</summary>
    public IReadOnlyList<int> Layers => _settings.Layers;

    /// <summary>The heads exported, in the order of the weights column.</summary>
    public IReadOnlyList<int> Heads => _settings.Heads;

    /// <summary>Whether the weights column holds the rollout ([query, key]) rather than every matrix.</summary>
    public bool IsRollout => _settings.Rollout;

    /// <summary>The text column labelling the rows of each matrix.</summary>
    public string QueryTokensColumnName => _settings.QueryTokensColumn;

    /// <summary>The text column labelling the columns of each matrix.</summary>
    public string KeyTokensColumnName => _settings.KeyTokensColumn;

    // Format 1.2: the sealed block holds the settings (columns, kind, layers, heads, rollout, layout, max length,
    // truncation, batch size, device); 1.1: the same, unsealed.
    private static readonly ComponentFormat Format = new("TXFATTNW", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: 0x00010001, "the attention transform's settings");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, _settings.Save, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static AttentionWeightsTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static AttentionWeightsTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, AttentionSettings.Load);
        var (network, tokenizer) = NetworkEntries.LoadNetwork(env, ctx, nameof(AttentionWeightsTransformer), settings.Device);
        return new AttentionWeightsTransformer(env, network, tokenizer, settings);
    }
}
