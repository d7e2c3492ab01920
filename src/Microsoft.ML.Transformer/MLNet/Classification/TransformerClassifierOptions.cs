using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Everything a Transformer text classifier can be told. The simple catalog overloads set the column names and the
/// few options people change most; this class holds every option, each default defined here or in the nested
/// option classes, once.
/// </summary>
public sealed class TransformerClassifierOptions
{
    /// <summary>The text column to classify. Default "Text".</summary>
    public string TextColumnName { get; set; } = "Text";

    /// <summary>
    /// An optional second text column, for sentence-pair tasks (question/answer, claim/evidence); the two texts are
    /// joined with a separator token. Default none.
    /// </summary>
    public string? SecondTextColumnName { get; set; }

    /// <summary>
    /// The label column: a key type for multiclass (as after <c>MapValueToKey</c>), Boolean for binary. Default "Label".
    /// </summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// The network's shape when training from scratch. Its <see cref="ModelOptions.VocabularySize"/> is replaced by
    /// the tokenizer's, and its decoder layers are dropped (a classifier needs only an encoder). Default null: chosen
    /// from the number of training rows and logged (a small encoder, width 128 and 2 layers, below 50,000 rows; width
    /// 256 and 4 layers from there on; GELU, pre-norm, learned positions, dropout 0.1).
    /// Ignored when <see cref="BaseModel"/> or <see cref="BaseModelPath"/> is set.
    /// </summary>
    public ModelOptions? Model { get; set; }

    /// <summary>
    /// How texts become tokens (vocabulary, maximum length, truncation, empty text). Default a learned BPE whose size
    /// and maximum length <c>Fit</c> chooses from the training texts unless they are set (the log says what and why).
    /// </summary>
    public TokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>
    /// How the network is trained. Defaults: see <see cref="TrainingOptions"/>; this trainer stops early after 5
    /// validations without improvement, and unless they are set chooses the epochs from the number of rows and the
    /// learning rate from whether it trains from scratch (the log says what and why).
    /// </summary>
    public TrainingOptions Training { get; set; } = new() { EarlyStoppingPatience = 5 };

    /// <summary>
    /// The bag of hashed word and character n-grams the head reads beside the network's pooled vector (wide and
    /// deep). Default: on for one text column, with buckets chosen from the training texts; see <see cref="NgramOptions"/>.
    /// </summary>
    public NgramOptions Ngrams { get; set; } = new();

    /// <summary>How hidden states become one vector per text. Default <see cref="Pooling.Mean"/>.</summary>
    public Pooling Pooling { get; set; } = Pooling.Mean;

    /// <summary>Dropout before the classification head. Default 0.1.</summary>
    public double HeadDropout { get; set; } = 0.1;

    /// <summary>
    /// A pretrained model to start from (its network and tokenizer are used; <see cref="Model"/> and
    /// <see cref="Tokenizer"/>'s vocabulary options are ignored, and when set away from their defaults must agree
    /// with the pretrained tokenizer, else <c>Fit</c> names what differs). Default none: train from scratch.
    /// </summary>
    public ITransformer? BaseModel { get; set; }

    /// <summary>The path of a saved model zip holding a pretrained model to start from (instead of <see cref="BaseModel"/>).</summary>
    public string? BaseModelPath { get; set; }

    /// <summary>Keep the token and position embeddings of a pretrained model fixed while fine-tuning. Default false.</summary>
    public bool FreezeEmbeddings { get; set; }

    /// <summary>Keep the lowest N layers of a pretrained model fixed while fine-tuning. Default 0.</summary>
    public int FreezeLayers { get; set; }

    /// <summary>
    /// Held-out rows (same columns as the training data) evaluated after each epoch (or every
    /// <see cref="TrainingOptions.EvaluateEveryNSteps"/>): the validation metric is accuracy (ties broken by the lower
    /// loss), early stopping follows <see cref="TrainingOptions.EarlyStoppingPatience"/>, and the best weights are
    /// kept. Default none: <see cref="ValidationFraction"/> of the training rows are held out instead.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>
    /// When no <see cref="ValidationSet"/> is given, the share of the training rows held out for validation: a seeded
    /// draw of the same share of each class, at most 2,000 rows, skipped (with a log line) when it would be fewer than
    /// 20 rows. 0 trains on every row without validation. Default 0.1.
    /// </summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Where to train and score. Default <see cref="ComputeDevice.Cpu"/>.</summary>
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    /// <summary>When CUDA is asked for but unavailable: fall back to the CPU with a warning (true) or throw (false). Default true.</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>Rows scored per forward pass by <c>Transform</c>. Default 64, at most 65,536.</summary>
    public int ScoringBatchSize { get; set; } = 64;
}
