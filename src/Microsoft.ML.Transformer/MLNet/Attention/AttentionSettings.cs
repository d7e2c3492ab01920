using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.Attention;

/// <summary>What a fitted attention-weights transform needs besides its network and tokenizer (resolved layers and heads); saved with the model.</summary>
internal sealed record AttentionSettings(
    string InputColumn,
    string? TargetColumn,
    string OutputColumn,
    AttentionKind Kind,
    int[] Layers,
    int[] Heads,
    bool Rollout,
    BatchLayout Layout,
    int MaxLength,
    TruncationSide Truncation,
    int BatchSize,
    ComputeDevice Device)
{
    public string QueryTokensColumn => OutputColumn + "QueryTokens";

    public string KeyTokensColumn => OutputColumn + "KeyTokens";

    public void Save(BinaryWriter writer)
    {
        writer.Write(InputColumn);
        writer.Write(TargetColumn ?? "");
        writer.Write(OutputColumn);
        writer.Write((int)Kind);
        WriteInts(writer, Layers);
        WriteInts(writer, Heads);
        writer.Write(Rollout);
        writer.Write((int)Layout);
        writer.Write(MaxLength);
        writer.Write((int)Truncation);
        writer.Write(BatchSize);
        writer.Write((int)Device);
    }

    public static AttentionSettings Load(BinaryReader reader)
    {
        string input = reader.ReadString(), target = reader.ReadString(), output = reader.ReadString();
        var settings = new AttentionSettings(input, target.Length == 0 ? null : target, output, (AttentionKind)reader.ReadInt32(),
            ReadInts(reader), ReadInts(reader), reader.ReadBoolean(), (BatchLayout)reader.ReadInt32(), reader.ReadInt32(),
            (TruncationSide)reader.ReadInt32(), reader.ReadInt32(), (ComputeDevice)reader.ReadInt32());
        if (!Enum.IsDefined(settings.Kind) || !Enum.IsDefined(settings.Layout) || !Enum.IsDefined(settings.Truncation) || !Enum.IsDefined(settings.Device)
            || settings.Layers.Length == 0 || settings.Heads.Length == 0 || settings.MaxLength < 3 || settings.BatchSize < 1)
            throw new InvalidDataException("The attention transform's settings are invalid.");
        return settings;
    }

    private static void WriteInts(BinaryWriter writer, int[] values)
    {
        writer.Write(values.Length);
        foreach (int v in values) writer.Write(v);
    }

    private static int[] ReadInts(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 4096)
            throw new InvalidDataException($"The attention transform's settings are invalid (a list of {count} layers or heads).");
        var values = new int[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadInt32();
        return values;
    }
}
