using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>What a fitted classifier needs besides its network and tokenizer to score rows; saved with the model.</summary>
internal sealed record ClassifierSettings(
    string TextColumn,
    string? SecondTextColumn,
    int MaxLength,
    TruncationSide Truncation,
    int ScoringBatchSize)
{
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
