using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// What a fitted encoder with a head (classifier, regressor) needs besides its network and tokenizer to read rows:
/// one text column, or two joined as a pair; saved with the model.
/// </summary>
internal sealed record ClassifierSettings(
    string TextColumn,
    string? SecondTextColumn,
    int MaxLength,
    TruncationSide Truncation,
    int ScoringBatchSize)
{
    /// <summary>
    /// The hashed n-grams a wide-and-deep classifier's head reads beside the network; null when it reads the network
    /// alone. Not part of <see cref="Save"/>: the classifier saves them after its own header.
    /// </summary>
    public Tokenization.HashedNgrams? Ngrams { get; init; }

    /// <summary>One text is <c>[CLS] a [SEP]</c>; a pair is <c>[CLS] a [SEP] b [SEP]</c>.</summary>
    public BatchLayout Layout => SecondTextColumn is null ? BatchLayout.Single : BatchLayout.Pair;

    /// <summary>The text columns a row is read from, in order.</summary>
    public IReadOnlyList<string> InputColumns => SecondTextColumn is null ? [TextColumn] : [TextColumn, SecondTextColumn];

    /// <summary>Turns rows into ids the way the model was trained on them.</summary>
    public SequenceEncoder Encoder(TextTokenizer tokenizer) => new(tokenizer, Layout, MaxLength, Truncation);

    /// <summary>Batches for training or validation, cut by the training options' batch size and token budget.</summary>
    public Batcher TrainingBatcher(TextTokenizer tokenizer, Training.TrainingOptions training, TorchSharp.torch.Device device,
        bool shuffle, int seed, bool withLabels, Action<string> log) =>
        new(Encoder(tokenizer), new BatcherOptions
        {
            BatchSize = training.BatchSize,
            MaxTokensPerBatch = training.MaxTokensPerBatch ?? 0,
            Shuffle = shuffle,
            WithLabels = withLabels,
            Seed = seed,
            Device = device,
            Ngrams = Ngrams,
        }, log);

    public void Save(BinaryWriter writer)
    {
        writer.Write(TextColumn);
        writer.Write(SecondTextColumn ?? "");
        writer.Write(MaxLength);
        writer.Write((int)Truncation);
        writer.Write(ScoringBatchSize);
    }

    public static ClassifierSettings Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string second = reader.ReadString();
        int maxLength = reader.ReadInt32();
        var truncation = (TruncationSide)reader.ReadInt32();
        int batch = reader.ReadInt32();
        if (maxLength <= 0 || batch <= 0 || !Enum.IsDefined(truncation))
            throw new InvalidDataException($"The classifier's settings are invalid (MaxLength {maxLength}, batch {batch}, truncation {(int)truncation}).");
        return new ClassifierSettings(text, second.Length == 0 ? null : second, maxLength, truncation, batch);
    }
}
