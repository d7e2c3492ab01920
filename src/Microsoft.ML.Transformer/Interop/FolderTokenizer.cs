using System.Text.Json;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Interop;

/// <summary>
/// The tokenizer as a model folder describes it: its kind, special tokens and sizes in config.json, its vocabulary in
/// files beside it (a learned BPE's merges as merges.json, a pair of BPE files as vocab.json and merges.txt; the byte
/// and GPT-2 vocabularies need none), and the digest of the library's own saved form, which must match once rebuilt.
/// </summary>
internal sealed record FolderTokenizer
{
    /// <summary>The merges of a learned BPE, in order: a JSON array of [left, right] pairs.</summary>
    public const string LearnedMergesFile = "merges.json";

    /// <summary>The token → id map of a BPE read from files (ids before the special tokens' shift).</summary>
    public const string VocabularyFile = "vocab.json";

    /// <summary>The merges of a BPE read from files, as given.</summary>
    public const string MergesFile = "merges.txt";

    /// <summary>Which vocabulary.</summary>
    public required TokenizerKind Kind { get; init; }

    /// <summary>Sentinel tokens reserved for span corruption.</summary>
    public required int SentinelCount { get; init; }

    /// <summary>The special tokens, in id order (ids 0 …).</summary>
    public required string[] SpecialTokens { get; init; }

    /// <summary>All ids the network embeds: special and ordinary.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Whether BPE files are byte-level (only for <see cref="TokenizerKind.BpeFiles"/>).</summary>
    public bool? ByteLevel { get; init; }

    /// <summary>Hex SHA-256 of the library's saved form of the tokenizer: equal digests mean equal ids.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Describes <paramref name="tokenizer"/>; <paramref name="writeFile"/> receives each vocabulary file.</summary>
    public static FolderTokenizer Describe(TextTokenizer tokenizer, Action<string, byte[]> writeFile)
    {
        var source = tokenizer.Source;
        switch (tokenizer.Kind)
        {
            case TokenizerKind.LearnedBpe:
                writeFile(LearnedMergesFile, JsonSerializer.SerializeToUtf8Bytes(source.Merges!.Select(m => new[] { m.Left, m.Right })));
                break;
            case TokenizerKind.BpeFiles:
                writeFile(VocabularyFile, System.Text.Encoding.UTF8.GetBytes(source.VocabJson!));
                writeFile(MergesFile, System.Text.Encoding.UTF8.GetBytes(source.MergesText!));
                break;
            case TokenizerKind.Bytes or TokenizerKind.Gpt2:
                break;
            default:
                throw new NotSupportedException(
                    $"A tokenizer of kind {tokenizer.Kind} cannot be exported: it has no vocabulary files this library can write. " +
                    "Use TokenizerKind.LearnedBpe, Bytes, Gpt2 or BpeFiles.");
        }
        return new FolderTokenizer
        {
            Kind = tokenizer.Kind,
            SentinelCount = tokenizer.Specials.SentinelCount,
            SpecialTokens = [.. tokenizer.Specials.Names],
            VocabularySize = tokenizer.VocabularySize,
            ByteLevel = tokenizer.Kind == TokenizerKind.BpeFiles ? source.ByteLevel : null,
            Fingerprint = tokenizer.Fingerprint,
        };
    }

    /// <summary>Rebuilds the tokenizer from its files (<paramref name="readFile"/>) and checks it is the one described.</summary>
    public TextTokenizer Rebuild(Func<string, byte[]> readFile)
    {
        if (SentinelCount < 0)
            throw new InvalidDataException($"The model folder's tokenizer has a negative SentinelCount ({SentinelCount}).");
        var tokenizer = Kind switch
        {
            TokenizerKind.Bytes => TextTokenizer.Bytes(SentinelCount),
            TokenizerKind.Gpt2 => TextTokenizer.Gpt2(SentinelCount),
            TokenizerKind.LearnedBpe => TextTokenizer.LearnedBpe(ReadMerges(readFile(LearnedMergesFile)), SentinelCount),
            TokenizerKind.BpeFiles => TextTokenizer.FromBpeFiles(Text(readFile(VocabularyFile)), Text(readFile(MergesFile)),
                ByteLevel ?? throw new InvalidDataException("The model folder's BpeFiles tokenizer does not say whether it is ByteLevel."),
                SentinelCount),
            _ => throw new InvalidDataException($"The model folder's tokenizer kind ({Kind}) cannot be imported."),
        };
        if (tokenizer.VocabularySize != VocabularySize)
            throw new InvalidDataException(
                $"The model folder's tokenizer rebuilt with {tokenizer.VocabularySize} ids where config.json says VocabularySize {VocabularySize}.");
        if (!tokenizer.Specials.Names.SequenceEqual(SpecialTokens))
            throw new InvalidDataException(
                $"The model folder's special tokens ({string.Join(" ", SpecialTokens)}) differ from this library's " +
                $"({string.Join(" ", tokenizer.Specials.Names)}).");
        if (tokenizer.Fingerprint != Fingerprint)
            throw new InvalidDataException(
                $"The model folder's tokenizer rebuilt with fingerprint {tokenizer.Fingerprint} where config.json records {Fingerprint}: " +
                "its vocabulary files were changed.");
        return tokenizer;
    }

    private static List<(string Left, string Right)> ReadMerges(byte[] json)
    {
        string[][] pairs;
        try
        {
            pairs = JsonSerializer.Deserialize<string[][]>(json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model folder's {LearnedMergesFile} is not a JSON array of [left, right] pairs: {e.Message}", e);
        }
        return pairs.Select((p, i) => p is [var left, var right] ? (left, right)
            : throw new InvalidDataException($"Merge {i} of the model folder's {LearnedMergesFile} has {p?.Length ?? 0} parts; expected 2.")).ToList();
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
