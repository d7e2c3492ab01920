using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

[assembly: LoadableClass(typeof(EntityTaggingTransformer), null, typeof(SignatureLoadModel),
    "Transformer entity tagger", EntityTaggingTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>
/// A fitted Transformer entity tagger: adds one predicted label per word and the entities they spell (see
/// <see cref="TaggingColumns"/>). Saves its network, tokenizer and labels into the model zip.
/// </summary>
public sealed class EntityTaggingTransformer : TextModelTransformerBase, ITrainedComponent
{
    internal const string LoaderSignature = "TxfEntityTagger";

    private readonly TaggerSettings _settings;

    // Each window is read as [CLS] words [SEP].
    internal EntityTaggingTransformer(IHostEnvironment env, TokenTaggerModel model, TextTokenizer tokenizer, TaggerSettings settings)
        : base(env, nameof(EntityTaggingTransformer), new(model.Body, tokenizer, model, BatchLayout.Single),
            () => new TaggingScorer(model, tokenizer, settings))
    {
        _settings = settings;
    }

    /// <summary>The labels, in key order (key 1 is the first).</summary>
    public IReadOnlyList<string> LabelNames => _settings.LabelNames;

    internal TokenTaggerModel Model => (TokenTaggerModel)Source!.Weights;

    internal TaggerSettings Settings => _settings;

    /// <summary>The training curve of the <c>Fit</c> that made this transformer; null for one loaded from a zip.</summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    // Format 1.2: the sealed block holds the settings (text column, window length, scoring batch, label names);
    // 1.1: the same, unsealed.
    private static readonly ComponentFormat Format = new("TXFTAGGR", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: 0x00010001, "the entity tagger's settings and label names");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, _settings.Save, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static EntityTaggingTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static EntityTaggingTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, TaggerSettings.Load);
        var (model, tokenizer) = NetworkEntries.LoadNetwork(ctx,
            options => new TokenTaggerModel(new TextNetwork(options), settings.LabelNames.Count, dropout: 0));
        return new EntityTaggingTransformer(env, model, tokenizer, settings);
    }
}
