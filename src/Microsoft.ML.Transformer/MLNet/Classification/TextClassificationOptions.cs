using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Everything a Transformer text classifier can be told. The label column holds a key for multiclass classification
/// (as after <c>MapValueToKey</c>) and a Boolean for binary; the validation metric is accuracy, ties broken by the lower
/// loss. Unless they are set, <c>Fit</c> chooses from the training data the network (<see cref="Model"/>), the epochs
/// and learning rate (<see cref="Training"/>), and the tokenizer's vocabulary size and maximum length
/// (<see cref="EncoderHeadOptions.Tokenizer"/>), and logs what and why. The simple catalog overloads set the column
/// names and the few options people change most; the options it shares with the other heads on an encoder, and their
/// defaults, are <see cref="EncoderHeadOptions"/>'s.
/// </summary>
public sealed class TextClassificationOptions : EncoderHeadOptions
{
    /// <summary>
    /// An optional second text column, for sentence-pair tasks (question/answer, claim/evidence); the two texts are
    /// joined with a separator token. Default none.
    /// </summary>
    public string? SecondTextColumnName { get; set; }

    /// <summary>
    /// The network's shape when training from scratch. Its <see cref="ModelOptions.VocabularySize"/> is the tokenizer's,
    /// and its decoder layers are dropped (a classifier needs only an encoder). Default null: chosen from the number of
    /// training rows and logged (a small encoder, width 128 and 2 layers, below 50,000 rows; width 256 and 4 layers from
    /// there on; GELU, pre-norm, learned positions, dropout 0.1). Ignored when
    /// <see cref="EncoderHeadOptions.BaseModel"/> or <see cref="EncoderHeadOptions.BaseModelPath"/> is set.
    /// </summary>
    public override ModelOptions? Model { get; set; }

    /// <summary>
    /// How the network is trained. Defaults: see <see cref="TrainingOptions"/>; this trainer stops early after 5
    /// validations without improvement, and unless they are set chooses the epochs from the number of rows and the
    /// learning rate from whether it trains from scratch (the log says what and why).
    /// </summary>
    public override TrainingOptions Training { get; set; } = new() { EarlyStoppingPatience = 5 };

    /// <summary>
    /// The bag of hashed word and character n-grams the head reads beside the network's pooled vector (wide and
    /// deep). Default: on for one text column, with buckets chosen from the training texts; see <see cref="NgramOptions"/>.
    /// </summary>
    public NgramOptions Ngrams { get; set; } = new();

    /// <summary>How hidden states become one vector per text. Default <see cref="Pooling.Mean"/>.</summary>
    public Pooling Pooling { get; set; } = ComponentDefaults.Pooling;

    /// <summary>
    /// When no <see cref="EncoderHeadOptions.ValidationSet"/> is given, the share of the training rows held out for
    /// validation: a seeded draw of the same share of each class, at most 2,000 rows, skipped (with a log line) when it
    /// would be fewer than 20 rows. 0 trains on every row without validation. Default 0.1.
    /// </summary>
    public double ValidationFraction { get; set; } = 0.1;

    internal override void Validate()
    {
        base.Validate();
        Require.That(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), "in [0, 1)", ValidationFraction);
        (Ngrams ?? throw new ArgumentNullException(nameof(Ngrams), "Ngrams must not be null (set Ngrams.Enabled = false to read the network alone).")).Validate();
    }
}
