using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

[assembly: LoadableClass(typeof(TextClassificationTransformer), null, typeof(SignatureLoadModel),
    "Transformer text classifier", TextClassificationTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// A fitted Transformer text classifier: adds <c>Score</c> and <c>PredictedLabel</c> (and, for binary classification,
/// <c>Probability</c>) exactly as ML.NET's own classifiers do, so <c>Evaluate</c>, <c>CrossValidate</c> and
/// <c>MapKeyToValue</c> work unchanged. Saves its network, tokenizer and class names into the model zip.
/// </summary>
public sealed class TextClassificationTransformer : TextModelTransformerBase, ITrainedComponent
{
    internal const string LoaderSignature = "TxfTextClassifier";

    private readonly ClassLabels _labels;
    private readonly ClassifierSettings _settings;

    // What a model folder (Interop.ModelFolder) exports.
    internal ClassifierModel Model => (ClassifierModel)Source!.Weights;
    internal ClassLabels Labels => _labels;
    internal ClassifierSettings Settings => _settings;

    // A classifier reads [CLS] text [SEP] (a pair: [CLS] a [SEP] b [SEP]) whatever the shape of its body.
    internal TextClassificationTransformer(IHostEnvironment env, ClassifierModel model, TextTokenizer tokenizer, ClassLabels labels,
        ClassifierSettings settings) : base(env, nameof(TextClassificationTransformer), new(model.Body, tokenizer, model, BatchLayout.Single),
        () => new ClassificationScorer(model, tokenizer, labels, settings))
    {
        (_labels, _settings) = (labels, settings);
    }

    /// <summary>
    /// The training curve (loss, learning rate, validation metric per step; <c>SaveCsv</c>, <c>SavePng</c>) of the
    /// <c>Fit</c> that made this transformer; null for a transformer loaded from a zip.
    /// </summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    /// <summary>The class names, in key order (class i is key i + 1).</summary>
    public IReadOnlyList<string> ClassNames => _labels.Names;

    /// <summary>True for a binary classifier (Boolean label).</summary>
    public bool IsBinary => _labels.IsBinary;

    // Format 1.3: the sealed block holds the settings; binary flag, class count, class names; pooling; whether the head
    // reads n-grams, and if so their settings (the weights hold the n-grams' too). 1.2: the same without n-grams;
    // 1.1: that, unsealed.
    private static readonly ComponentFormat Format = new("TXFCLASS", LoaderSignature, Written: NgramsVersion,
        ReadBack: 0x00010001, "the classifier's settings, class names and pooling");

    // Version 1.3 added the n-grams to the sealed block.
    private const uint NgramsVersion = 0x00010003;

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, writer =>
    {
        _settings.Save(writer);
        writer.Write(_labels.IsBinary);
        writer.Write(_labels.Count);
        foreach (string name in _labels.Names)
            writer.Write(name);
        writer.Write((int)Model.Pooling);
        writer.Write(_settings.Ngrams is not null);
        _settings.Ngrams?.Save(writer);
    }, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static TextClassificationTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static TextClassificationTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var (settings, binary, names, pooling) = Format.ReadSettings(ctx, reader => ReadFields(reader, ctx.Header.ModelVerWritten >= NgramsVersion));
        var ngrams = settings.Ngrams;
        int count = names.Length;
        var (model, tokenizer) = NetworkEntries.LoadNetwork(ctx,
            options => new ClassifierModel(new TextNetwork(options), count, pooling, dropout: 0, ngrams?.Buckets ?? 0));
        return new TextClassificationTransformer(env, model, tokenizer, new ClassLabels(names, binary), settings);
    }

    private static (ClassifierSettings Settings, bool Binary, string[] Names, Pooling Pooling) ReadFields(BinaryReader reader, bool hasNgrams)
    {
        var settings = ClassifierSettings.Load(reader);
        bool binary = reader.ReadBoolean();
        int count = reader.ReadInt32();
        if (count < 2 || count > 100_000)
            throw new InvalidDataException($"The classifier's class count ({count}) is invalid.");
        var names = new string[count];
        for (int i = 0; i < count; i++)
            names[i] = reader.ReadString();
        if (names.Distinct(StringComparer.Ordinal).Count() != count)
            throw new InvalidDataException("The classifier's class names are not distinct.");
        var pooling = (Pooling)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The classifier's pooling ({(int)pooling}) is unknown.");
        var ngrams = hasNgrams && reader.ReadBoolean() ? HashedNgrams.Load(reader) : null;
        return (settings with { Ngrams = ngrams }, binary, names, pooling);
    }
}
