using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>
/// Everything the pretraining estimator can be told. The simple catalog overload sets the column, the objective and
/// the length of the run; this class holds every option, each default defined here or in the nested option classes,
/// once.
/// </summary>
public sealed class TextPretrainingOptions : IDeviceOptions
{
    /// <summary>The column of unlabelled text to learn from. Default <see cref="ColumnDefaults.Text"/>.</summary>
    public string TextColumnName { get; set; } = ColumnDefaults.Text;

    /// <summary>
    /// What to learn. Default <see cref="PretrainingObjective.Auto"/>: chosen by the shape of <see cref="Model"/>
    /// (encoder-decoder: span corruption; decoder-only: causal LM; encoder-only: masked LM), or span corruption with
    /// the default model.
    /// </summary>
    public PretrainingObjective Objective { get; set; } = PretrainingObjective.Auto;

    /// <summary>
    /// The network's shape. Its <see cref="ModelOptions.VocabularySize"/> is replaced by the tokenizer's, and its
    /// <see cref="ModelOptions.MaxLength"/> raised to <see cref="TokenizerOptions.MaxLength"/> when lower. Default
    /// null: a network shaped for the objective — <see cref="ModelOptions"/>' width, heads, feed-forward, norms and
    /// dropout, with the <see cref="Activation.Gelu"/> activation, <see cref="PositionalEncoding.Learned"/> positions and
    /// tied embeddings, and ModelOptions' encoder and decoder layers (span corruption), 4 decoder layers (causal LM) or 4
    /// encoder layers (masked LM).
    /// </summary>
    public ModelOptions? Model { get; set; }

    /// <summary>
    /// How texts become tokens. <see cref="TokenizerOptions.MaxLength"/> is the length of one model input: the block
    /// size of a causal LM, the chunk a long text is cut into otherwise. For span corruption,
    /// <see cref="TokenizerOptions.SentinelCount"/> 0 (the default) reserves as many sentinels as the longest input can
    /// need. Default: <see cref="TokenizerOptions"/>' defaults (a learned BPE).
    /// </summary>
    public TokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>
    /// How the network is trained, checkpointed and stopped (<see cref="TrainingOptions.CheckpointDirectory"/>,
    /// <see cref="TrainingOptions.TimeBudget"/>, <see cref="TrainingOptions.Progress"/>...). Defaults: see
    /// <see cref="TrainingOptions"/>; this trainer sets learning rate 1e-3 decaying to 1e-4 and weight decay 0.1.
    /// </summary>
    public TrainingOptions Training { get; set; } = new() { LearningRate = 1e-3, MinLearningRate = 1e-4, WeightDecay = 0.1 };

    /// <summary>Span corruption: the share of tokens hidden, in (0, 1). Default 0.15 (T5).</summary>
    public double NoiseDensity { get; set; } = 0.15;

    /// <summary>Span corruption: the mean length of a hidden span in tokens, at least 1. Default 3 (T5).</summary>
    public double MeanSpanLength { get; set; } = 3;

    /// <summary>Masked LM: the share of tokens predicted, in (0, 1). Default 0.15 (BERT).</summary>
    public double MaskProbability { get; set; } = 0.15;

    /// <summary>
    /// Held-out texts (same text column) evaluated during training, every
    /// <see cref="TrainingOptions.EvaluateEveryNSteps"/> steps or at the end of each epoch: loss, perplexity and, for a
    /// causal LM, bits per character. The validation loss then drives early stopping and best-weight restore.
    /// Default none.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Name of the per-row loss column (mean negative log-likelihood in nats per predicted token). Default "Loss".</summary>
    public string LossColumnName { get; set; } = "Loss";

    /// <summary>Name of the per-row perplexity column, exp(loss). Default "Perplexity".</summary>
    public string PerplexityColumnName { get; set; } = "Perplexity";

    /// <inheritdoc/>
    public ComputeDevice Device { get; set; } = ComponentDefaults.Device;

    /// <inheritdoc/>
    public bool AllowCpuFallback { get; set; } = ComponentDefaults.AllowCpuFallback;

    /// <summary>Rows scored per forward pass by <c>Transform</c>. Default 64, at most 65,536.</summary>
    public int ScoringBatchSize { get; set; } = ComponentDefaults.ScoringBatchSize;

    /// <summary>Throws naming the first option out of its range; the objective against the model's shape is checked by the estimator.</summary>
    internal void Validate()
    {
        OptionChecks.NotNull((nameof(Tokenizer), Tokenizer), (nameof(Training), Training)); // a null Model is the objective's default shape
        Require.That(!string.IsNullOrWhiteSpace(TextColumnName), nameof(TextColumnName), "the name of a text column", TextColumnName);
        Require.That(!string.IsNullOrWhiteSpace(LossColumnName), nameof(LossColumnName), "a column name", LossColumnName);
        Require.That(!string.IsNullOrWhiteSpace(PerplexityColumnName) && PerplexityColumnName != LossColumnName,
            nameof(PerplexityColumnName), $"a column name other than LossColumnName ('{LossColumnName}')", PerplexityColumnName);
        Require.That(Enum.IsDefined(Objective), nameof(Objective), $"one of {string.Join(", ", Enum.GetNames<PretrainingObjective>())}", (int)Objective);
        Require.That(NoiseDensity is > 0 and < 1, nameof(NoiseDensity), "in (0, 1)", NoiseDensity);
        Require.That(MeanSpanLength >= 1 && double.IsFinite(MeanSpanLength), nameof(MeanSpanLength), "a finite number of at least 1", MeanSpanLength);
        Require.That(MaskProbability is > 0 and < 1, nameof(MaskProbability), "in (0, 1)", MaskProbability);
        OptionChecks.ScoringBatchSize(ScoringBatchSize);
        Tokenizer.Validate();
        // A model input spends up to two tokens on special tokens.
        Require.That(Tokenizer.MaxLength >= 3, "Tokenizer.MaxLength", "at least 3", Tokenizer.MaxLength);
        Training.Validate();
        Model?.ValidateShape();
    }

    /// <summary>
    /// The network shaped for <paramref name="objective"/> (see <see cref="Model"/>): <see cref="ModelOptions"/>' width,
    /// heads, feed-forward and norms, with the components' <see cref="ComponentDefaults.Activation"/> and
    /// <see cref="ComponentDefaults.PositionalEncoding"/>, tied embeddings, and the layers the objective trains (span
    /// corruption keeps ModelOptions' layers). Its vocabulary is the tokenizer's, set by the estimator.
    /// </summary>
    internal static ModelOptions DefaultModel(PretrainingObjective objective)
    {
        var model = new ModelOptions
        {
            Activation = ComponentDefaults.Activation,
            PositionalEncoding = ComponentDefaults.PositionalEncoding,
            TieEmbeddings = true,
        };
        return objective switch
        {
            PretrainingObjective.CausalLanguageModel => model with { EncoderLayers = 0, DecoderLayers = 4 },
            PretrainingObjective.MaskedLanguageModel => model with { EncoderLayers = 4, DecoderLayers = 0 },
            _ => model,
        };
    }
}
