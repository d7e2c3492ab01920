using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Trains a Transformer text classifier (multiclass on a key label, binary on a Boolean label), from scratch or from a
/// pretrained model. Created through <c>MulticlassClassification.Trainers.TransformerClassifier</c> or
/// <c>BinaryClassification.Trainers.TransformerClassifier</c>.
/// </summary>
public sealed class TextClassificationEstimator : IEstimator<TextClassificationTransformer>
{
    private readonly IHost _host;
    private readonly TransformerClassifierOptions _options;
    private readonly bool _binary;

    internal TextClassificationEstimator(IHostEnvironment env, TransformerClassifierOptions options, bool binary)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(TextClassificationEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _binary = binary;
        Validate(options);
    }

    /// <summary>Checks the input columns and describes the output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.TextColumnName);
        if (_options.SecondTextColumnName is { } second)
            ScoringSchema.CheckTextColumn(inputSchema, second);
        var label = ScoringSchema.FindColumn(inputSchema, _options.LabelColumnName, "Label");
        bool ok = _binary ? label.ItemType is BooleanDataViewType && label.Kind == SchemaShape.Column.VectorKind.Scalar
                          : label.IsKey && label.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (!ok)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{_options.LabelColumnName}' must be {(_binary ? "a Boolean scalar" : "a key scalar (use MapValueToKey)")}; found {label.ItemType}{(label.IsKey ? " (key)" : "")}.");
        return ScoringSchema.With(inputSchema, ClassLabels.OutputShape(_binary));
    }

    /// <summary>Trains the classifier on <paramref name="input"/>.</summary>
    public TextClassificationTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        var labels = ClassLabels.FromSchema(input.Schema, _options.LabelColumnName, _binary);
        using var channel = _host.Start("Training");
        Action<string> log = channel.Info;
        var reader = new RowReader(input, _options.TextColumnName, _options.SecondTextColumnName, _options.LabelColumnName,
            _options.Tokenizer.EmptyText, log);
        var ngramKinds = NgramKinds(log);
        var profile = Profile(reader, labels, ngramKinds);
        var heldOut = _options.ValidationSet is null
            ? ValidationSplit.Choose(profile.RowsByClass, _options.ValidationFraction, _options.Training.Seed, log)
            : null;
        IEnumerable<TextRow> Train() => heldOut is null ? reader.Read() : reader.Read().Where(r => !heldOut.Contains(r.Row));
        Func<IEnumerable<TextRow>>? validation = _options.ValidationSet is { } set
            ? new RowReader(set, _options.TextColumnName, _options.SecondTextColumnName, _options.LabelColumnName, _options.Tokenizer.EmptyText).Read
            : heldOut is null ? null : () => reader.Read().Where(r => heldOut.Contains(r.Row));
        long trainRows = profile.Rows - (heldOut?.Count ?? 0);

        var start = EncoderStart.Begin(_host, _options, channel, () => Train().SelectMany(r => r.Second is null ? [r.Text] : new[] { r.Text, r.Second }),
            Choices(Train, profile, trainRows, log));
        var ngrams = ngramKinds is null ? null : ngramKinds with { Buckets = NgramBuckets(profile, labels.Count, log) };
        var settings = new ClassifierSettings(_options.TextColumnName, _options.SecondTextColumnName, start.MaxLength,
            _options.Tokenizer.TruncationSide, _options.ScoringBatchSize) { Ngrams = ngrams };
        var model = new ClassifierModel(start.Body, labels.Count, _options.Pooling, _options.HeadDropout, ngrams?.Buckets ?? 0);

        start.Describe($"Training a {(labels.IsBinary ? "binary" : labels.Count + "-class")} Transformer classifier: {trainRows:N0} rows, ");
        var training = TrainingFor(trainRows, fromScratch: _options.BaseModel is null && _options.BaseModelPath is null, log);
        var result = new ClassifierTraining(model, start.Tokenizer, settings, training, log).Run(Train, validation);
        return new TextClassificationTransformer(_host, model, start.Tokenizer, labels, settings) { TrainingHistory = result.History };
    }

    /// <summary>The user's training options, completed with the epochs and learning rate chosen from the data where unset.</summary>
    private TrainingOptions TrainingFor(long trainRows, bool fromScratch, Action<string> log)
    {
        var training = EncoderStart.MaximizingMetric(_options.Training); // the classifier's validation metric is accuracy
        if (!training.EpochsIsSet)
        {
            var (epochs, why) = ClassifierDefaults.Epochs(trainRows, training.BatchSize);
            training.Epochs = epochs;
            log($"Chose {epochs} epochs because {why}; set Training.Epochs to pin it.");
        }
        if (!training.LearningRateIsSet)
        {
            var (rate, why) = ClassifierDefaults.LearningRate(fromScratch);
            training.LearningRate = rate;
            log(string.Create(CultureInfo.InvariantCulture, $"Chose learning rate {rate:G3} because {why}; set Training.LearningRate to pin it."));
        }
        return training;
    }

    /// <summary>The n-grams the head reads beside the network (their buckets still to choose), or null when it reads the network alone.</summary>
    private HashedNgrams? NgramKinds(Action<string> log)
    {
        var options = _options.Ngrams;
        bool pair = _options.SecondTextColumnName is not null;
        bool enabled = options.Enabled ?? (!pair && options.WordNgramLength + options.CharNgramLength > 0);
        if (options.Enabled is null)
            log(enabled
                ? $"Reading hashed n-grams (words up to {options.WordNgramLength}, characters {options.CharNgramLength}) beside the network, because the input is one text column; set Ngrams.Enabled to pin it."
                : "Reading the network alone, without n-grams, because " + (pair ? "the input is a text pair" : "both n-gram lengths are 0") + "; set Ngrams.Enabled to pin it.");
        return enabled ? new HashedNgrams(1, options.WordNgramLength, options.CharNgramLength) : null;
    }

    /// <summary>The user's n-gram buckets, else as many as the recurring n-grams of the training texts call for.</summary>
    private int NgramBuckets(DataProfile profile, int classes, Action<string> log)
    {
        if (_options.Ngrams.Buckets is { } buckets)
            return buckets;
        var (chosen, why) = ClassifierDefaults.NgramBuckets(profile.RecurringNgrams, classes);
        log(string.Create(CultureInfo.InvariantCulture, $"Chose {chosen:N0} n-gram buckets because {why}; set Ngrams.Buckets to pin it."));
        return chosen;
    }

    /// <summary>The most tokens per input: the user's, else what covers most training texts.</summary>
    private int MaxLength(Func<IEnumerable<TextRow>> rows, TextTokenizer tokenizer, Action<string> log)
    {
        if (_options.Tokenizer.MaxLengthIsSet)
            return _options.Tokenizer.MaxLength;
        var encoder = new SequenceEncoder(tokenizer, Layout, int.MaxValue);
        var lengths = rows().Take(ClassifierDefaults.LengthSampleRows).Select(r => encoder.Encode(r).Input.Length).ToArray();
        var (length, why) = ClassifierDefaults.MaxLengthFor(lengths);
        log($"Chose maximum length {length} tokens because {why}; set Tokenizer.MaxLength to pin it.");
        return length;
    }

    private BatchLayout Layout => _options.SecondTextColumnName is null ? BatchLayout.Single : BatchLayout.Pair;

    /// <summary>One pass over the rows: refuses an empty data set or a single class before any training.</summary>
    private DataProfile Profile(RowReader reader, ClassLabels labels, HashedNgrams? ngrams)
    {
        var profile = DataProfile.Read(reader.Read(), labels.Count, ngrams);
        var counts = profile.ClassCounts;
        if (profile.Rows == 0)
            throw new InvalidOperationException(
                $"The training data has no usable rows: every row was empty in '{_options.TextColumnName}' or had a missing label in '{_options.LabelColumnName}' (or the data set is empty).");
        int present = counts.Count(c => c > 0);
        if (present < 2)
            throw new InvalidOperationException(
                $"The training data holds a single class ('{labels.Names[Array.FindIndex(counts, c => c > 0)]}') in label column '{_options.LabelColumnName}': a classifier needs at least two.");
        return profile;
    }

    /// <summary>What <c>Fit</c> chooses from the data for the options left unset: vocabulary size, maximum length, network shape.</summary>
    private EncoderStart.Choices Choices(Func<IEnumerable<TextRow>> rows, DataProfile profile, long trainRows, Action<string> log) => new(
        tokenizer => Vocabulary(tokenizer, profile, log),
        tokenizer => MaxLength(rows, tokenizer, log),
        maxLength => _options.Model ?? Shape(trainRows, maxLength, log));

    /// <summary>The user's BPE vocabulary size, else as many entries as the recurring words of the training texts call for.</summary>
    private static TokenizerOptions Vocabulary(TokenizerOptions options, DataProfile profile, Action<string> log)
    {
        if (options.Kind != TokenizerKind.LearnedBpe || options.VocabularySizeIsSet)
            return options;
        var (size, why) = ClassifierDefaults.VocabularySize(profile.RecurringWords);
        log(string.Create(CultureInfo.InvariantCulture, $"Chose a BPE vocabulary of {size:N0} because {why}; set Tokenizer.VocabularySize to pin it."));
        return options.WithVocabularySize(size);
    }

    /// <summary>A network shaped for the number of training rows.</summary>
    private static ModelOptions Shape(long trainRows, int maxLength, Action<string> log)
    {
        var (shape, why) = ClassifierDefaults.Model(trainRows, maxLength);
        log($"Chose a network of {why}; set Model to pin it.");
        return shape;
    }

    private static void Validate(TransformerClassifierOptions options)
    {
        EncoderStart.Validate(options);
        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"ValidationFraction ({options.ValidationFraction}) must be in [0, 1).");
        (options.Ngrams ?? throw new ArgumentNullException(nameof(options), "Ngrams must not be null (set Ngrams.Enabled = false to read the network alone).")).Validate();
    }
}
