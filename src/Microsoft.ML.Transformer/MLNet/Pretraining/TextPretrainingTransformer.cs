using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(TextPretrainingTransformer), null, typeof(SignatureLoadModel),
    "Transformer text pretraining", TextPretrainingTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>
/// A network pretrained on unlabelled text, and its tokenizer. As an ML.NET transformer it adds a per-row loss (mean
/// negative log-likelihood of the row's predicted tokens under the objective, in nats) and its perplexity: text
/// unlike the training corpus scores high. It saves into a model zip like every component, and the classification
/// and text-generation trainers start from it (<c>BaseModel</c>, or <c>BaseModelPath</c> of its zip).
/// </summary>
public sealed class TextPretrainingTransformer : TextModelTransformerBase, ITrainedComponent
{
    internal const string LoaderSignature = "TxfTextPretraining";

    private readonly PretrainingSettings _settings;

    internal PretrainingSettings Settings => _settings; // exported by a model folder (Interop.ModelFolder)

    internal TextPretrainingTransformer(IHostEnvironment env, TextNetwork model, TextTokenizer tokenizer, PretrainingSettings settings)
        : base(env, nameof(TextPretrainingTransformer), new(model, tokenizer),
            () => new PretrainingScorer(model, Training.Objectives.Objective.Create(tokenizer, settings.Objective), settings))
    {
        _settings = settings;
    }

    /// <summary>The objective the network was pretrained with.</summary>
    public PretrainingObjective Objective => _settings.Objective.Kind;

    /// <summary>The network's shape (its vocabulary size is the tokenizer's).</summary>
    public ModelOptions ModelOptions => Source!.Network.Options;

    /// <summary>
    /// The pretrained network itself (a TorchSharp module: parameters, <c>save</c>, <c>to(device)</c>). Changing it
    /// changes this transformer; fine-tuning through a trainer's <c>BaseModel</c> works on a copy.
    /// </summary>
    public nn.Module Network => Source!.Network;

    /// <summary>The number of token ids (special tokens first, then the tokenizer's ordinary ones).</summary>
    public int VocabularySize => Source!.Tokenizer.VocabularySize;

    /// <summary>The most tokens of one model input the network was pretrained on (the block size of a causal LM).</summary>
    public int MaxLength => _settings.Objective.MaxLength;

    /// <summary>Text → the token ids the network reads (no special tokens added).</summary>
    public int[] Encode(string text) => Source!.Tokenizer.Encode(text);

    /// <summary>Token ids → text; special ids (padding, end, sentinels...) are left out.</summary>
    public string Decode(ReadOnlySpan<int> ids) => Source!.Tokenizer.Decode(ids);

    /// <summary>
    /// The training curve (loss, learning rate, validation loss per step; <c>SaveCsv</c>, <c>SavePng</c>) of the
    /// <c>Fit</c> that made this transformer, resumed steps included; null for a transformer loaded from a zip.
    /// </summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    /// <summary>The held-out metrics of the final weights, when <c>Fit</c> had a validation set; otherwise null.</summary>
    public PretrainingMetrics? ValidationMetrics { get; internal init; }

    /// <summary>Loss, perplexity and (causal LM) bits per character over the texts of <paramref name="data"/>.</summary>
    /// <param name="data">Held-out texts; rows with empty text are skipped.</param>
    /// <param name="textColumnName">Their column; default the column the model was trained on.</param>
    public PretrainingMetrics Evaluate(IDataView data, string? textColumnName = null)
    {
        Host.CheckValue(data, nameof(data));
        var reader = new RowReader(data, textColumnName ?? _settings.TextColumn);
        return ((PretrainingScorer)Scorer).Evaluate(reader.Read().Select(r => r.Text));
    }

    // Format 1.2: the sealed block holds the settings (1.1: the same, unsealed).
    private static readonly ComponentFormat Format = new("TXFPRETR", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: 0x00010001, "the pretrained model's settings");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, _settings.Save, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static TextPretrainingTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static TextPretrainingTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, PretrainingSettings.Load);
        var (model, tokenizer) = NetworkEntries.LoadNetwork(ctx, options => new TextNetwork(options));
        return new TextPretrainingTransformer(env, model, tokenizer, settings);
    }
}
