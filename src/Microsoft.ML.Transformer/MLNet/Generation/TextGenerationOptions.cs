using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// Everything a Transformer text generator can be told. The simple catalog overload sets the column names and the few
/// options people change most; this class holds every option, each default defined here or in the nested option
/// classes, once.
/// </summary>
public sealed class TextGenerationOptions : IDeviceOptions, IFineTuningOptions
{
    /// <summary>The text to generate from (the encoder's input, or a decoder-only model's prompt). Default <see cref="ColumnDefaults.Source"/>.</summary>
    public string SourceColumnName { get; set; } = ColumnDefaults.Source;

    /// <summary>The text to learn to generate; needed by <c>Fit</c> only. Default <see cref="ColumnDefaults.Target"/>.</summary>
    public string TargetColumnName { get; set; } = ColumnDefaults.Target;

    /// <summary>The generated text column added by the transformer. Default <see cref="ColumnDefaults.Generated"/>.</summary>
    public string OutputColumnName { get; set; } = ColumnDefaults.Generated;

    /// <summary>
    /// When set, the transformer also adds this Single column: the natural log-probability of each generated text
    /// under the model (summed over its tokens and the end token). Default null: no such column.
    /// </summary>
    public string? LogProbabilityColumnName { get; set; }

    /// <summary>
    /// The network's shape when training from scratch; its <see cref="ModelOptions.VocabularySize"/> is replaced by the
    /// tokenizer's and its MaxLength raised to fit the longest source and target. Encoder-decoder by default; with
    /// <see cref="ModelOptions.EncoderLayers"/> 0 a decoder-only model continues the prompt <c>[BOS] source [SEP]</c>
    /// and learns only the continuation. Default: <see cref="ModelOptions"/>' encoder-decoder (its width, heads, layers,
    /// norms, positions, embeddings and dropout) with the <see cref="Activation.Gelu"/> activation and a position table of
    /// 256 tokens. Ignored when a base model is given.
    /// </summary>
    public ModelOptions Model { get; set; } = DefaultModel;

    /// <summary>
    /// How texts become tokens: vocabulary, <see cref="TokenizerOptions.MaxLength"/> (the most source tokens, the end
    /// token included), truncation side, empty text. Default: <see cref="TokenizerOptions"/>' defaults (a learned BPE,
    /// learned from sources and targets). With a base model its tokenizer is kept: only the length options apply, and
    /// vocabulary options set away from their defaults must agree with it.
    /// </summary>
    public TokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>The most target tokens in training, the end token included; longer targets are cut. Default null: <see cref="TokenizerOptions.MaxLength"/>; at most 1,048,576.</summary>
    public int? TargetMaxLength { get; set; }

    /// <summary>
    /// How the network is trained. Defaults: see <see cref="TrainingOptions"/>; this trainer sets the epochs and learning
    /// rate the encoder trainers set (see <see cref="EncoderHeadOptions.Training"/>).
    /// </summary>
    public TrainingOptions Training { get; set; } = ComponentDefaults.Training();

    /// <summary>How the fitted transformer generates (stored in the model; a transformer can be given others with
    /// <see cref="TextGenerationTransformer.WithDecoding"/>). Default <see cref="DecodingOptions"/>' defaults (<see cref="DecodingStrategy.Greedy"/>, at most
    /// <see cref="DecodingOptions.MaxNewTokens"/> new tokens).</summary>
    public DecodingOptions Decoding { get; set; } = new();

    /// <inheritdoc/>
    public ITransformer? BaseModel { get; set; }

    /// <inheritdoc/>
    public string? BaseModelPath { get; set; }

    /// <inheritdoc/>
    public bool FreezeEmbeddings { get; set; }

    /// <inheritdoc/>
    public int FreezeLayers { get; set; }

    /// <summary>
    /// Held-out rows (the same source and target columns) whose token loss is measured during training; early stopping
    /// follows <see cref="TrainingOptions.EarlyStoppingPatience"/> and the best weights are kept. Default none.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <inheritdoc/>
    public ComputeDevice Device { get; set; } = ComponentDefaults.Device;

    /// <inheritdoc/>
    public bool AllowCpuFallback { get; set; } = ComponentDefaults.AllowCpuFallback;

    /// <summary>Sources generated together by <c>Transform</c>. Default 32, at most 65,536.</summary>
    public int ScoringBatchSize { get; set; } = 32;

    /// <summary>Throws naming the first option out of its range, or the first rule between options that is broken.</summary>
    internal void Validate()
    {
        OptionChecks.NotNull((nameof(Model), Model), (nameof(Tokenizer), Tokenizer), (nameof(Training), Training), (nameof(Decoding), Decoding));
        Require.Name(SourceColumnName, nameof(SourceColumnName), "a column");
        Require.Name(TargetColumnName, nameof(TargetColumnName), "a column");
        Require.Name(OutputColumnName, nameof(OutputColumnName), "a column");
        Require.Holds(LogProbabilityColumnName is not { } lp || (!string.IsNullOrWhiteSpace(lp) && lp != OutputColumnName), nameof(LogProbabilityColumnName),
            $"LogProbabilityColumnName must be null or a column name other than OutputColumnName ('{OutputColumnName}'); found {Require.Show(LogProbabilityColumnName)}.");
        OptionChecks.ScoringBatchSize(ScoringBatchSize);
        Require.That(TargetMaxLength is null or (>= 2 and <= ModelOptions.MaxSize), nameof(TargetMaxLength),
            $"null or between 2 and {ModelOptions.MaxSize:N0}", TargetMaxLength);
        PretrainedSource.Validate(this);
        Tokenizer.Validate();
        Require.That(Tokenizer.MaxLength >= 2, "Tokenizer.MaxLength", "at least 2 (a token and the end token)", Tokenizer.MaxLength);
        Training.Validate();
        if (PretrainedSource.FromScratch(this))
        {
            Model.ValidateShape();
            Require.Holds(Model.DecoderLayers > 0, "Model.DecoderLayers",
                $"Model.DecoderLayers must be at least 1: a text generator needs a decoder; found {Model.DecoderLayers}.");
            // The exact limit (see NetworkGenerator.MaxNewTokensLimit) is checked again before training.
            Decoding.Validate(Model.EncoderLayers > 0 ? ScratchMaxLength() : ScratchMaxLength() - 2);
        }
    }

    /// <summary>A new network's MaxLength: the model option, raised to hold the longest source and target (both, in a decoder-only model).</summary>
    internal int ScratchMaxLength()
    {
        int source = Tokenizer.MaxLength, target = TargetMaxLength ?? source;
        return PositionTableFit.RaiseTable(Model.MaxLength, Model.EncoderLayers > 0 ? Math.Max(source, target) : source + target);
    }

    // ModelOptions' encoder-decoder with the components' activation, and a position table for 256 tokens.
    private static ModelOptions DefaultModel => new() { Activation = ComponentDefaults.Activation, MaxLength = 256 };
}
