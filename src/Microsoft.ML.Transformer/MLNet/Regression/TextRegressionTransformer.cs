using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.Regression;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

[assembly: LoadableClass(typeof(TextRegressionTransformer), null, typeof(SignatureLoadModel),
    "Transformer text regressor", TextRegressionTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Regression;

/// <summary>
/// A fitted Transformer text regressor: adds a <c>Score</c> column (Single) as ML.NET's regression trainers do, so
/// <c>Regression.Evaluate</c> works unchanged. Saves its network, tokenizer and label scale into the model zip.
/// </summary>
public sealed class TextRegressionTransformer : TextModelTransformerBase, ITrainedComponent
{
    internal const string LoaderSignature = "TxfTextRegressor";

    private readonly ClassifierSettings _settings;
    private readonly (double Mean, double Scale) _label;

    // Like the classifier, a regressor reads [CLS] text [SEP] (a pair: [CLS] a [SEP] b [SEP]).
    internal TextRegressionTransformer(IHostEnvironment env, ClassifierModel model, TextTokenizer tokenizer,
        ClassifierSettings settings, (double Mean, double Scale) label)
        : base(env, nameof(TextRegressionTransformer), new(model.Body, tokenizer, model, BatchLayout.Single),
            () => new RegressionScorer(model, tokenizer, settings, label))
    {
        (_settings, _label) = (settings, label);
    }

    internal ClassifierModel Model => (ClassifierModel)Source!.Weights;

    internal ClassifierSettings Settings => _settings;

    internal (double Mean, double Scale) Label => _label;

    /// <summary>The training curve of the <c>Fit</c> that made this transformer; null for one loaded from a zip.</summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    // Format 1.2: the sealed block holds the settings, the label mean and scale, the pooling (1.1: the same fields, unsealed).
    private static readonly ComponentFormat Format = new("TXFREGRS", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: 0x00010001, "the regressor's settings, label scale and pooling");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, writer =>
    {
        _settings.Save(writer);
        writer.Write(_label.Mean);
        writer.Write(_label.Scale);
        writer.Write((int)Model.Pooling);
    }, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static TextRegressionTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static TextRegressionTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var (settings, mean, scale, pooling) = Format.ReadSettings(ctx, ReadFields);
        var (model, tokenizer) = NetworkEntries.LoadNetwork(ctx,
            options => new ClassifierModel(new TextNetwork(options), 1, pooling, dropout: 0));
        return new TextRegressionTransformer(env, model, tokenizer, settings, (mean, scale));
    }

    internal static (ClassifierSettings Settings, double Mean, double Scale, Pooling Pooling) ReadFields(BinaryReader reader)
    {
        var settings = ClassifierSettings.Load(reader);
        double mean = reader.ReadDouble(), scale = reader.ReadDouble();
        if (!double.IsFinite(mean) || !(scale > 0 && double.IsFinite(scale)))
            throw new InvalidDataException($"The regressor's label scale is invalid (mean {mean}, scale {scale}).");
        var pooling = (Pooling)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The regressor's pooling ({(int)pooling}) is unknown.");
        return (settings, mean, scale, pooling);
    }
}
