using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>What a pretrained model needs besides its network and tokenizer to score rows; saved with the model.</summary>
internal sealed record PretrainingSettings(string TextColumn, string LossColumn, string PerplexityColumn, ObjectiveSettings Objective,
    int ScoringBatchSize)
{
    public void Save(BinaryWriter writer)
    {
        writer.Write(TextColumn);
        writer.Write(LossColumn);
        writer.Write(PerplexityColumn);
        writer.Write((int)Objective.Kind);
        writer.Write(Objective.MaxLength);
        writer.Write(Objective.NoiseDensity);
        writer.Write(Objective.MeanSpanLength);
        writer.Write(Objective.MaskProbability);
        writer.Write(ScoringBatchSize);
    }

    public static PretrainingSettings Load(BinaryReader reader)
    {
        string text = reader.ReadString(), loss = reader.ReadString(), perplexity = reader.ReadString();
        var kind = (PretrainingObjective)reader.ReadInt32();
        int maxLength = reader.ReadInt32();
        double density = reader.ReadDouble(), span = reader.ReadDouble(), mask = reader.ReadDouble();
        int batch = reader.ReadInt32();
        if (!Enum.IsDefined(kind) || kind == PretrainingObjective.Auto || maxLength < 2 || batch < 1
            || !(density is > 0 and < 1) || !(span >= 1) || !(mask is > 0 and < 1))
            throw new InvalidDataException(
                $"The pretrained model's settings are invalid (objective {(int)kind}, MaxLength {maxLength}, batch {batch}, " +
                $"noise density {density}, mean span {span}, mask probability {mask}).");
        return new PretrainingSettings(text, loss, perplexity, new ObjectiveSettings(kind, maxLength, density, span, mask), batch);
    }
}
