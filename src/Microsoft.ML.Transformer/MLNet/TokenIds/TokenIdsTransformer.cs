using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.TokenIds;
using Microsoft.ML.Transformer.Tokenization;

[assembly: LoadableClass(typeof(TokenIdsTransformer), null, typeof(SignatureLoadModel),
    "Transformer token ids", TokenIdsTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.TokenIds;

/// <summary>
/// A fitted token-id transform: adds the token ids of a text (or a text pair) and an attention mask, as variable-length
/// vectors of <c>Int64</c>, exactly as the exported component tokenized its input; for a classifier that reads hashed
/// n-grams beside the network, also their bucket ids (<c>Int64</c>) and weights (<c>Single</c>), as the library computes them. It is the step in front of
/// <c>ApplyOnnxModel</c> for a graph exported from a model folder (python/mlnet_transformer/onnx_export.py), and it
/// never loads libtorch. Saves its tokenizer and settings into the model zip.
/// </summary>
public sealed class TokenIdsTransformer : TextModelTransformerBase
{
    internal const string LoaderSignature = "TxfTokenIds";

    private readonly TextTokenizer _tokenizer;
    private readonly TokenIdsSettings _settings;

    internal TokenIdsTransformer(IHostEnvironment env, TextTokenizer tokenizer, TokenIdsSettings settings)
        : base(env, nameof(TokenIdsTransformer), network: null, () => new TokenIdsScorer(tokenizer, settings))
    {
        (_tokenizer, _settings) = (tokenizer, settings);
    }

    /// <summary>The text columns read, in order (two for a sentence-pair classifier).</summary>
    public IReadOnlyList<string> InputColumnNames => _settings.InputColumns;

    /// <summary>The columns added, in the order an exported ONNX graph takes them (ids, mask, and a wide-and-deep classifier's n-gram ids and weights).</summary>
    public IReadOnlyList<string> OutputColumnNames => _settings.OutputColumns;

    /// <summary>The most ids per row, special tokens included (the exported component's).</summary>
    public int MaxLength => _settings.MaxLength;

    // Format 1.3: the sealed block holds the settings, then the n-gram settings and column names; then the checked
    // entry Tokenizer.bin (its length and SHA-256). 1.2: the same settings unsealed; 1.1: that without n-grams.
    private static readonly ComponentFormat Format = new("TXFTOKID", LoaderSignature, Written: SealedVersion,
        ReadBack: 0x00010001, "the token-id transform's settings", FirstSealed: SealedVersion);

    // Version 1.2 added the n-gram settings and column names after the settings (1.1 zips load as having none).
    private const uint NgramsVersion = 0x00010002;

    // Version 1.3 sealed the settings, as every other component's are.
    private const uint SealedVersion = 0x00010003;

    private protected override void SaveModel(ModelSaveContext ctx)
    {
        Format.SaveSettings(ctx, _settings.Save);
        CheckedEntries.Save(ctx, NetworkEntries.TokenizerEntry, _tokenizer.ToBytes());
    }

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static TokenIdsTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static TokenIdsTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, reader => TokenIdsSettings.Load(reader, ctx.Header.ModelVerWritten >= NgramsVersion));
        byte[] bytes = CheckedEntries.Load(ctx, NetworkEntries.TokenizerEntry);
        TextTokenizer tokenizer;
        try
        {
            tokenizer = TextTokenizer.FromBytes(bytes);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"The token-id transform's tokenizer ({NetworkEntries.TokenizerEntry}) could not be read: " + e.Message, e);
        }
        return new TokenIdsTransformer(env, tokenizer, settings);
    }
}
