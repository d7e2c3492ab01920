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
public sealed class TextClassificationEstimator : TextEstimatorBase<TextClassificationOptions, TextClassificationTransformer>
{
    private readonly bool _binary;

    internal TextClassificationEstimator(IHostEnvironment env, TextClassificationOptions options, bool binary)
        : base(env, options, o => o.Validate())
    {
        _binary = binary;
    }

    /// <summary>Checks the input columns and describes the output columns.</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.TextColumnName);
        if (Options.SecondTextColumnName is { } second)
            ScoringSchema.CheckTextColumn(inputSchema, second);
        var label = ScoringSchema.FindColumn(inputSchema, Options.LabelColumnName, "Label");
        bool ok = _binary ? label.ItemType is BooleanDataViewType && label.Kind == SchemaShape.Column.VectorKind.Scalar
                          : label.IsKey && label.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (!ok)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{Options.LabelColumnName}' must be {(_binary ? "a Boolean scalar" : "a key scalar (use MapValueToKey)")}; found {label.ItemType}{(label.IsKey ? " (key)" : "")}.");
        return ClassLabels.OutputShape(_binary);
    }

    /// <summary>Trains the classifier on <paramref name="input"/>.</summary>
    private protected override TextClassificationTransformer FitChecked(IDataView input)
    {
        var labels = ClassLabels.FromSchema(input.Schema, Options.LabelColumnName, _binary);
        using var channel = Host.Start("Training");
        Action<string> log = channel.Info;
        var reader = new RowReader(input, Options.TextColumnName, Options.SecondTextColumnName, Options.LabelColumnName,
            Options.Tokenizer.EmptyText, log);
        var ngramKinds = NgramKinds(log);
        var profile = Profile(reader, labels, ngramKinds);
        var heldOut = Options.ValidationSet is null
            ? ValidationSplit.Choose(profile.RowsByClass, Options.ValidationFraction, Options.Training.Seed, log)
            : null;
        IEnumerable<TextRow> Train() => heldOut is null ? reader.Read() : reader.Read().Where(r => !heldOut.Contains(r.Row));
        Func<IEnumerable<TextRow>>? validation = Options.ValidationSet is { } set
            ? new RowReader(set, Options.TextColumnName, Options.SecondTextColumnName, Options.LabelColumnName, Options.Tokenizer.EmptyText).Read
            : heldOut is null ? null : () => reader.Read().Where(r => heldOut.Contains(r.Row));
        long trainRows = profile.Rows - (heldOut?.Count ?? 0);

        var start = EncoderStart.Begin(Host, Options, channel, () => Train().SelectMany(r => r.Second is null ? [r.Text] : new[] { r.Text, r.Second }),
            Choices(Train, profile, trainRows, log));
        var ngrams = ngramKinds is null ? null : ngramKinds with { Buckets = NgramBuckets(profile, labels.Count, log) };
        var settings = new ClassifierSettings(Options.TextColumnName, Options.SecondTextColumnName, start.MaxLength,
            Options.Tokenizer.TruncationSide, Options.ScoringBatchSize) { Ngrams = ngrams };
        var model = new ClassifierModel(start.Body, labels.Count, Options.Pooling, Options.HeadDropout, ngrams?.Buckets ?? 0);

        start.Describe($"Training a {(labels.IsBinary ? "binary" : labels.Count + "-class")} Transformer classifier: {trainRows:N0} rows, ");
        var training = TrainingFor(trainRows, fromScratch: PretrainedSource.FromScratch(Options), log);
        var result = new ClassifierTraining(model, start.Tokenizer, settings, training, log).Run(Train, validation);
        return new TextClassificationTransformer(Host, model, start.Tokenizer, labels, settings) { TrainingHistory = result.History };
    }

    /// <summary>The user's training options, completed with the epochs and learning rate chosen from the data where unset.</summary>
    private TrainingOptions TrainingFor(long trainRows, bool fromScratch, Action<string> log)
    {
        var training = EncoderStart.MaximizingMetric(Options.Training); // the classifier's validation metric is accuracy
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
        var options = Options.Ngrams;
        bool pair = Options.SecondTextColumnName is not null;
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
        if (Options.Ngrams.Buckets is { } buckets)
            return buckets;
        var (chosen, why) = ClassifierDefaults.NgramBuckets(profile.RecurringNgrams, classes);
        log(string.Create(CultureInfo.InvariantCulture, $"Chose {chosen:N0} n-gram buckets because {why}; set Ngrams.Buckets to pin it."));
        return chosen;
    }

    /// <summary>The most tokens per input: the user's, else what covers most training texts.</summary>
    private int MaxLength(Func<IEnumerable<TextRow>> rows, TextTokenizer tokenizer, Action<string> log)
    {
        if (Options.Tokenizer.MaxLengthIsSet)
            return Options.Tokenizer.MaxLength;
        var encoder = new SequenceEncoder(tokenizer, Layout, int.MaxValue);
        var lengths = rows().Take(ClassifierDefaults.LengthSampleRows).Select(r => encoder.Encode(r).Input.Length).ToArray();
        var (length, why) = ClassifierDefaults.MaxLengthFor(lengths);
        log($"Chose maximum length {length} tokens because {why}; set Tokenizer.MaxLength to pin it.");
        return length;
    }

    private BatchLayout Layout => Options.SecondTextColumnName is null ? BatchLayout.Single : BatchLayout.Pair;

    /// <summary>One pass over the rows: refuses an empty data set or a single class before any training.</summary>
    private DataProfile Profile(RowReader reader, ClassLabels labels, HashedNgrams? ngrams)
    {
        var profile = DataProfile.Read(reader.Read(), labels.Count, ngrams);
        var counts = profile.ClassCounts;
        if (profile.Rows == 0)
            throw new InvalidOperationException(
                $"The training data has no usable rows: every row was empty in '{Options.TextColumnName}' or had a missing label in '{Options.LabelColumnName}' (or the data set is empty).");
        int present = counts.Count(c => c > 0);
        if (present < 2)
            throw new InvalidOperationException(
                $"The training data holds a single class ('{labels.Names[Array.FindIndex(counts, c => c > 0)]}') in label column '{Options.LabelColumnName}': a classifier needs at least two.");
        return profile;
    }

    /// <summary>What <c>Fit</c> chooses from the data for the options left unset: vocabulary size, maximum length, network shape.</summary>
    private EncoderStart.Choices Choices(Func<IEnumerable<TextRow>> rows, DataProfile profile, long trainRows, Action<string> log) => new(
        tokenizer => Vocabulary(tokenizer, profile, log),
        tokenizer => MaxLength(rows, tokenizer, log),
        maxLength => Options.Model ?? Shape(trainRows, maxLength, log));

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
}
