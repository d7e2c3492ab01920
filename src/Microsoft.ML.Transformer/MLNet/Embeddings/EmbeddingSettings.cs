using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Embeddings;

/// <summary>
/// What a fitted embedding transform needs besides its network and tokenizer; saved with the model. The layout is
/// <see cref="BatchLayout.Single"/> or <see cref="BatchLayout.Seq2Seq"/> (its encoder side only); the pooling is the one
/// actually used (always <see cref="Pooling.LastToken"/> for a decoder-only network).
/// </summary>
internal sealed record EmbeddingSettings(
    string InputColumn,
    string OutputColumn,
    BatchLayout Layout,
    int MaxLength,
    TruncationSide Truncation,
    Pooling Pooling,
    bool Normalize,
    int BatchSize,
    ComputeDevice Device)
{
    public void Save(BinaryWriter writer)
    {
        writer.Write(InputColumn);
        writer.Write(OutputColumn);
        writer.Write((int)Layout);
        writer.Write(MaxLength);
        writer.Write((int)Truncation);
        writer.Write((int)Pooling);
        writer.Write(Normalize);
        writer.Write(BatchSize);
        writer.Write((int)Device);
    }

    public static EmbeddingSettings Load(BinaryReader reader)
    {
        var settings = new EmbeddingSettings(reader.ReadString(), reader.ReadString(), (BatchLayout)reader.ReadInt32(), reader.ReadInt32(),
            (TruncationSide)reader.ReadInt32(), (Pooling)reader.ReadInt32(), reader.ReadBoolean(), reader.ReadInt32(), (ComputeDevice)reader.ReadInt32());
        if (settings.Layout is not (BatchLayout.Single or BatchLayout.Seq2Seq) || settings.MaxLength < 3 || settings.BatchSize < 1
            || !Enum.IsDefined(settings.Truncation) || !Enum.IsDefined(settings.Pooling) || !Enum.IsDefined(settings.Device))
            throw new InvalidDataException($"The embedding transform's settings are invalid: {settings}.");
        return settings;
    }
}
