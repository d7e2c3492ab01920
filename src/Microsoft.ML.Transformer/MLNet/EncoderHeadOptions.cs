using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// The options every trainer that puts a head on a text encoder shares (the classifier, the regressor, the entity
/// tagger, the question answerer): columns, the network to train from scratch or the pretrained one to start from,
/// tokenizer, training, head dropout, validation rows, device and scoring batch. Each default is defined here, once; a
/// trainer adds its own options, says what its label column holds, and overrides a default only where it chooses from
/// the data (the classifier's network and training).
/// </summary>
public abstract class EncoderHeadOptions : IDeviceOptions, IFineTuningOptions
{
    private protected EncoderHeadOptions()
    {
    }

    /// <summary>The text column. Default <see cref="ColumnDefaults.Text"/>.</summary>
    public virtual string TextColumnName { get; set; } = ColumnDefaults.Text;

    /// <summary>The label column (what it holds depends on the trainer). Default <see cref="ColumnDefaults.Label"/>.</summary>
    public virtual string LabelColumnName { get; set; } = ColumnDefaults.Label;

    /// <summary>
    /// The network's shape when training from scratch (its vocabulary size is the tokenizer's, its decoder layers are
    /// dropped, its position table holds at least the tokenizer's MaxLength). Default: the small encoder the classifier
    /// trains on small data sets (see <see cref="Classification.TextClassificationOptions.Model"/>). Ignored when
    /// <see cref="BaseModel"/> or <see cref="BaseModelPath"/> is set.
    /// </summary>
    public virtual ModelOptions? Model { get; set; } =
        Classification.ClassifierDefaults.Model(trainRows: 0, maxLength: TokenizerOptions.DefaultMaxLength).Model;

    /// <summary>
    /// How texts become tokens. Default: <see cref="TokenizerOptions"/>' defaults (a learned BPE). With a base model its
    /// tokenizer is kept: only the length options apply, and vocabulary options set away from their defaults must agree
    /// with it.
    /// </summary>
    public TokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>
    /// How the network is trained (for the entity tagger and the question answerer, <see cref="TrainingOptions.BatchSize"/>
    /// counts windows). Defaults: see <see cref="TrainingOptions"/>; these trainers set 10 epochs and learning rate
    /// 5e-4 (warm-up: a share of the run, see <see cref="TrainingOptions.WarmupSteps"/>, so that a small data set's
    /// short run is not spent warming up).
    /// </summary>
    public virtual TrainingOptions Training { get; set; } = ComponentDefaults.Training();

    /// <summary>Dropout before the head. Default 0.1.</summary>
    public double HeadDropout { get; set; } = 0.1;

    /// <inheritdoc/>
    public ITransformer? BaseModel { get; set; }

    /// <inheritdoc/>
    public string? BaseModelPath { get; set; }

    /// <inheritdoc/>
    public bool FreezeEmbeddings { get; set; }

    /// <inheritdoc/>
    public int FreezeLayers { get; set; }

    /// <summary>
    /// Held-out rows (same columns as the training data) evaluated during training with the trainer's validation
    /// metric: early stopping follows <see cref="TrainingOptions.EarlyStoppingPatience"/>, and the best weights are
    /// kept. Default none.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <inheritdoc/>
    public ComputeDevice Device { get; set; } = ComponentDefaults.Device;

    /// <inheritdoc/>
    public bool AllowCpuFallback { get; set; } = ComponentDefaults.AllowCpuFallback;

    /// <summary>Rows scored per forward pass by <c>Transform</c>. Default 64, at most 65,536.</summary>
    public int ScoringBatchSize { get; set; } = ComponentDefaults.ScoringBatchSize;

    /// <summary>
    /// Throws naming the first option out of its range. A null <see cref="Model"/> is not checked (a trainer may
    /// choose it from the data); each trainer's options add their own checks after these.
    /// </summary>
    internal virtual void Validate()
    {
        OptionChecks.NotNull((nameof(Tokenizer), Tokenizer), (nameof(Training), Training));
        Require.Name(TextColumnName, nameof(TextColumnName), "a text column");
        Require.Name(LabelColumnName, nameof(LabelColumnName), "the label column");
        OptionChecks.ScoringBatchSize(ScoringBatchSize);
        Require.That(HeadDropout >= 0 && HeadDropout < 1, nameof(HeadDropout), "in [0, 1)", HeadDropout);
        PretrainedSource.Validate(this);
        Tokenizer.Validate();
        Training.Validate();
        if (PretrainedSource.FromScratch(this))
            Model?.ValidateShape();
    }
}
