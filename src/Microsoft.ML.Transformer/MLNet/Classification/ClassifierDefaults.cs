using System.Globalization;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// The choices a classifier's <c>Fit</c> makes from the data for every option the user left unset: epochs, network
/// shape, learning rate, vocabulary size, maximum length. Each returns its value and the reason the log shows; each
/// constant here is the one definition of that default.
/// </summary>
internal static class ClassifierDefaults
{
    /// <summary>Optimiser steps a run aims at: small data gets more passes, large data fewer (early stopping trims).</summary>
    internal const int TargetSteps = 2_000;

    internal const int MinEpochs = 2, MaxEpochs = 40;

    /// <summary>From this many training rows on, the wider and deeper network has the data to pay for itself.</summary>
    internal const long LargeDataRows = 50_000;

    /// <summary>Peak learning rate for a network trained from scratch and for fine-tuning a pretrained one.</summary>
    internal const double ScratchLearningRate = 1e-3, FineTuningLearningRate = 5e-4;

    /// <summary>
    /// Bounds of the chosen BPE vocabulary size; the largest is the tokenizer's default, so that the classifier never
    /// learns a larger vocabulary than a tokenizer left at its default would.
    /// </summary>
    internal const int MinVocabulary = 1_000, MaxVocabulary = Tokenization.TokenizerOptions.DefaultVocabularySize;

    /// <summary>The share of training texts that the chosen maximum length keeps whole.</summary>
    internal const double LengthCoverage = 0.98;

    /// <summary>Bounds of the chosen maximum length (tokens, special tokens included).</summary>
    internal const int MinLength = 16, MaxLength = 256;

    /// <summary>Training texts tokenized to measure lengths.</summary>
    internal const int LengthSampleRows = 2_000;

    /// <summary>Bounds of the chosen n-gram hash buckets, and of their weights (buckets × classes).</summary>
    internal const int MinNgramBuckets = 1 << 10, MaxNgramBuckets = 1 << 18, MaxNgramWeights = 1 << 22;

    /// <summary>
    /// About two buckets per recurring n-gram, so that few of them share one, as a power of two within the bounds and
    /// at most <see cref="MaxNgramWeights"/> weights.
    /// </summary>
    public static (int Buckets, string Why) NgramBuckets(int recurringNgrams, int classes)
    {
        int buckets = MinNgramBuckets;
        while (buckets < 2L * recurringNgrams && buckets < MaxNgramBuckets) buckets *= 2;
        while (buckets > MinNgramBuckets && (long)buckets * classes > MaxNgramWeights) buckets /= 2;
        return (buckets, string.Create(CultureInfo.InvariantCulture,
            $"the training texts have {recurringNgrams:N0} distinct n-grams that occur at least twice and {classes} classes (bounds {MinNgramBuckets:N0}-{MaxNgramBuckets:N0}, at most {MaxNgramWeights:N0} weights)"));
    }

    /// <summary>Enough passes to reach about <see cref="TargetSteps"/> steps, within [<see cref="MinEpochs"/>, <see cref="MaxEpochs"/>].</summary>
    public static (int Epochs, string Why) Epochs(long trainRows, int batchSize)
    {
        long stepsPerEpoch = Math.Max(1, (trainRows + batchSize - 1) / batchSize);
        int epochs = (int)Math.Clamp((TargetSteps + stepsPerEpoch - 1) / stepsPerEpoch, MinEpochs, MaxEpochs);
        return (epochs, string.Create(CultureInfo.InvariantCulture,
            $"{trainRows:N0} training rows make {stepsPerEpoch:N0} steps an epoch; {epochs} epochs are the fewest that reach {TargetSteps:N0} steps, within {MinEpochs}-{MaxEpochs}"));
    }

    /// <summary>
    /// A small encoder below <see cref="LargeDataRows"/> rows (fast, and less to overfit): width 128, 2 layers,
    /// feed-forward 512; a larger one above: <see cref="ModelOptions"/>' width, heads and feed-forward, 4 layers. Both
    /// with the components' <see cref="ComponentDefaults.Activation"/> and <see cref="ComponentDefaults.PositionalEncoding"/>.
    /// </summary>
    public static (ModelOptions Model, string Why) Model(long trainRows, int maxLength)
    {
        bool large = trainRows >= LargeDataRows;
        var model = new ModelOptions
        {
            EncoderLayers = 4,
            DecoderLayers = 0,
            Activation = ComponentDefaults.Activation,
            PositionalEncoding = ComponentDefaults.PositionalEncoding,
            MaxLength = maxLength,
        };
        if (!large)
            model = model with { ModelDimension = 128, EncoderLayers = 2, FeedForwardDimension = 512 };
        return (model, string.Create(CultureInfo.InvariantCulture, $"width {model.ModelDimension}, {model.EncoderLayers} layers, because {trainRows:N0} training rows are ")
            + (large ? "at least " : "fewer than ") + LargeDataRows.ToString("N0", CultureInfo.InvariantCulture));
    }

    /// <summary>The peak learning rate: higher for a network that starts from random weights.</summary>
    public static (double Rate, string Why) LearningRate(bool fromScratch) => fromScratch
        ? (ScratchLearningRate, "training from scratch")
        : (FineTuningLearningRate, "fine-tuning a pretrained network");

    /// <summary>About one BPE entry per recurring word beyond the 256 bytes, rounded up to 500, within the bounds.</summary>
    public static (int Size, string Why) VocabularySize(int recurringWords)
    {
        int size = Math.Clamp((256 + recurringWords + 499) / 500 * 500, MinVocabulary, MaxVocabulary);
        return (size, string.Create(CultureInfo.InvariantCulture, $"the training texts have {recurringWords:N0} distinct words that occur at least twice"));
    }

    /// <summary>The length that keeps <see cref="LengthCoverage"/> of the sampled texts whole, rounded up to 8, within the bounds.</summary>
    public static (int Length, string Why) MaxLengthFor(IReadOnlyList<int> tokenLengths)
    {
        if (tokenLengths.Count == 0)
            return (MinLength, "no text was sampled");
        var sorted = tokenLengths.Order().ToArray();
        int covering = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(LengthCoverage * sorted.Length) - 1)];
        int length = Math.Clamp((covering + 7) / 8 * 8, MinLength, MaxLength);
        return (length, string.Create(CultureInfo.InvariantCulture, $"{LengthCoverage * 100:0}% of {sorted.Length:N0} sampled training texts have at most {covering} tokens ")
            + $"(longest {sorted[^1]}; bounds {MinLength}-{MaxLength})");
    }
}
