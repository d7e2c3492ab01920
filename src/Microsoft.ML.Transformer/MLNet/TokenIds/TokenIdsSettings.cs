using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.TokenIds;

/// <summary>
/// What the token-id transform reads and writes besides its tokenizer; saved with the model. <see cref="Ngrams"/> is
/// the hashed n-grams of a wide-and-deep classifier, written as two more columns; null for any other folder.
/// </summary>
internal sealed record TokenIdsSettings(
    string TextColumn,
    string? SecondTextColumn,
    string IdsColumn,
    string MaskColumn,
    BatchLayout Layout,
    int MaxLength,
    TruncationSide Truncation,
    int BatchSize,
    HashedNgrams? Ngrams = null,
    string NgramIdsColumn = TokenIdsOptions.DefaultNgramIdsColumnName,
    string NgramWeightsColumn = TokenIdsOptions.DefaultNgramWeightsColumnName)
{
    /// <summary>The text columns a row is read from, in order.</summary>
    public IReadOnlyList<string> InputColumns => SecondTextColumn is null ? [TextColumn] : [TextColumn, SecondTextColumn];

    /// <summary>
    /// The tokenizer and settings of a classifier or embedding folder, with the columns <paramref name="options"/>
    /// names (the folder's own where it names none). No weight is read.
    /// </summary>
    public static (TextTokenizer Tokenizer, TokenIdsSettings Settings) FromFolder(string folder, TokenIdsOptions options)
    {
        var config = FolderConfig.Open(folder);
        var classifier = config.Component == ComponentKind.TextClassifier ? FolderComponents.ClassifierSettingsOf(config) : null;
        (string text, string? second, BatchLayout layout, int maxLength, TruncationSide truncation) = config.Component switch
        {
            ComponentKind.TextClassifier => FromClassifier(classifier!),
            ComponentKind.TextEmbedding => FromEmbedding(FolderComponents.EmbeddingSettingsOf(config)),
            _ => throw new InvalidDataException(
                $"The model folder '{folder}' holds a {config.Component}; token ids for an exported ONNX graph are written for a " +
                $"{ComponentKind.TextClassifier} or {ComponentKind.TextEmbedding} folder."),
        };
        if (layout != BatchLayout.Pair && options.SecondTextColumnName is not null)
            throw new ArgumentException(
                $"SecondTextColumnName is '{options.SecondTextColumnName}', but the model folder's {config.Component} reads one text.", nameof(options));
        var tokenizer = config.Tokenizer.Rebuild(name => config.ReadChecked(folder, name));
        var settings = new TokenIdsSettings(options.TextColumnName ?? text,
            layout == BatchLayout.Pair ? options.SecondTextColumnName ?? second : null,
            options.TokenIdsColumnName, options.AttentionMaskColumnName, layout, maxLength, truncation, options.ScoringBatchSize,
            classifier?.Ngrams, options.NgramIdsColumnName, options.NgramWeightsColumnName);
        return (tokenizer, settings);
    }

    private static (string, string?, BatchLayout, int, TruncationSide) FromClassifier(Classification.ClassifierSettings s) =>
        (s.TextColumn, s.SecondTextColumn, s.Layout, s.MaxLength, s.Truncation);

    private static (string, string?, BatchLayout, int, TruncationSide) FromEmbedding(Embeddings.EmbeddingSettings s) =>
        (s.InputColumn, null, s.Layout, s.MaxLength, s.Truncation);

    public void Save(BinaryWriter writer)
    {
        writer.Write(TextColumn);
        writer.Write(SecondTextColumn ?? "");
        writer.Write(IdsColumn);
        writer.Write(MaskColumn);
        writer.Write((int)Layout);
        writer.Write(MaxLength);
        writer.Write((int)Truncation);
        writer.Write(BatchSize);
        writer.Write(Ngrams is not null);
        if (Ngrams is null) return;
        Ngrams.Save(writer);
        writer.Write(NgramIdsColumn);
        writer.Write(NgramWeightsColumn);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; <paramref name="hasNgrams"/> is false for zips written before n-grams (format 1.1).</summary>
    public static TokenIdsSettings Load(BinaryReader reader, bool hasNgrams)
    {
        string text = reader.ReadString(), second = reader.ReadString(), ids = reader.ReadString(), mask = reader.ReadString();
        var settings = new TokenIdsSettings(text, second.Length == 0 ? null : second, ids, mask, (BatchLayout)reader.ReadInt32(),
            reader.ReadInt32(), (TruncationSide)reader.ReadInt32(), reader.ReadInt32());
        if (hasNgrams && reader.ReadBoolean())
            settings = settings with { Ngrams = HashedNgrams.Load(reader), NgramIdsColumn = reader.ReadString(), NgramWeightsColumn = reader.ReadString() };
        if (!Enum.IsDefined(settings.Layout) || (settings.Layout == BatchLayout.Pair) != (settings.SecondTextColumn is not null)
            || settings.MaxLength < 2 || !Enum.IsDefined(settings.Truncation) || settings.BatchSize < 1)
            throw new InvalidDataException($"The token-id transform's settings are invalid: {settings}.");
        return settings;
    }

    /// <summary>The added columns' names, in order: ids and mask, then the n-gram ids and weights when there are n-grams.</summary>
    public IReadOnlyList<string> OutputColumns =>
        Ngrams is null ? [IdsColumn, MaskColumn] : [IdsColumn, MaskColumn, NgramIdsColumn, NgramWeightsColumn];
}
