using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>What a fitted text generator needs besides its network, tokenizer and decoding options; saved with the model.</summary>
/// <param name="SourceColumn">The text the generator reads.</param>
/// <param name="TargetColumn">The reference text it was trained on (the default column of its loss evaluation).</param>
/// <param name="OutputColumn">The generated text column it adds.</param>
/// <param name="LogProbabilityColumn">The column of each generated text's log-probability, or null for none.</param>
/// <param name="SourceMaxLength">The most source tokens (the end token included).</param>
/// <param name="TargetMaxLength">The most target tokens in training (the end token included).</param>
/// <param name="Truncation">Which end of a long text is kept.</param>
/// <param name="ScoringBatchSize">Sources generated together by <c>Transform</c>.</param>
internal sealed record GeneratorSettings(
    string SourceColumn,
    string TargetColumn,
    string OutputColumn,
    string? LogProbabilityColumn,
    int SourceMaxLength,
    int TargetMaxLength,
    TruncationSide Truncation,
    int ScoringBatchSize)
{
    public void Save(BinaryWriter writer)
    {
        writer.Write(SourceColumn);
        writer.Write(TargetColumn);
        writer.Write(OutputColumn);
        writer.Write(LogProbabilityColumn ?? "");
        writer.Write(SourceMaxLength);
        writer.Write(TargetMaxLength);
        writer.Write((int)Truncation);
        writer.Write(ScoringBatchSize);
    }

    public static GeneratorSettings Load(BinaryReader reader)
    {
        string source = reader.ReadString();
        string target = reader.ReadString();
        string output = reader.ReadString();
        string logProbability = reader.ReadString();
        int sourceMax = reader.ReadInt32();
        int targetMax = reader.ReadInt32();
        var truncation = (TruncationSide)reader.ReadInt32();
        int batch = reader.ReadInt32();
        if (source.Length == 0 || output.Length == 0 || sourceMax < 2 || targetMax < 2 || batch < 1 || !Enum.IsDefined(truncation))
            throw new InvalidDataException(
                $"The text generator's settings are invalid (source '{source}', output '{output}', source MaxLength {sourceMax}, " +
                $"target MaxLength {targetMax}, batch {batch}, truncation {(int)truncation}).");
        return new GeneratorSettings(source, target, output, logProbability.Length == 0 ? null : logProbability,
            sourceMax, targetMax, truncation, batch);
    }
}
