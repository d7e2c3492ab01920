namespace Microsoft.ML.Transformer.MLNet.Tagging;

/// <summary>What a fitted entity tagger needs besides its network and tokenizer: the text column, the window length, the label names; saved with the model.</summary>
/// <param name="TextColumn">The column the words are read from.</param>
/// <param name="MaxLength">The most tokens a window holds, [CLS] and [SEP] included.</param>
/// <param name="ScoringBatchSize">Rows scored per forward pass.</param>
/// <param name="LabelNames">The label of each class: class i is key i + 1.</param>
internal sealed record TaggerSettings(string TextColumn, int MaxLength, int ScoringBatchSize, IReadOnlyList<string> LabelNames)
{
    public void Save(BinaryWriter writer)
    {
        writer.Write(TextColumn);
        writer.Write(MaxLength);
        writer.Write(ScoringBatchSize);
        writer.Write(LabelNames.Count);
        foreach (string name in LabelNames) writer.Write(name);
    }

    public static TaggerSettings Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        int maxLength = reader.ReadInt32(), batch = reader.ReadInt32(), count = reader.ReadInt32();
        if (maxLength < 3 || batch <= 0 || count < 1 || count > 100_000)
            throw new InvalidDataException($"The entity tagger's settings are invalid (MaxLength {maxLength}, batch {batch}, labels {count}).");
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = reader.ReadString();
        return new TaggerSettings(text, maxLength, batch, names);
    }
}
