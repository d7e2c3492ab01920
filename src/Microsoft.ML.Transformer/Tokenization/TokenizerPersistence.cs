using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>What a <see cref="TextTokenizer"/> was built from; only the fields of its kind are set.</summary>
internal sealed class TokenizerSource
{
    /// <summary>Learned BPE: the merges in order (the vocabulary follows from them).</summary>
    public List<(string Left, string Right)>? Merges { get; init; }
    /// <summary>Named vocabulary shipped with the library ("gpt2").</summary>
    public string? ModelName { get; init; }
    /// <summary>BPE files: the vocab.json content.</summary>
    public string? VocabJson { get; init; }
    /// <summary>BPE files: the merges.txt content.</summary>
    public string? MergesText { get; init; }
    /// <summary>BPE files: whether they are byte-level.</summary>
    public bool ByteLevel { get; init; }
}

/// <summary>
/// Saves and loads a <see cref="TextTokenizer"/> as a small binary blob (it goes into an ML.NET model zip), and
/// digests it. The blob holds what the ids depend on and nothing else, so equal blobs mean equal ids — which makes
/// its SHA-256 a fingerprint ("was this checkpoint made with this tokenizer?").
/// Layout: "MLT.Tokenizer" magic, format version, kind, sentinel count, then the kind's payload.
/// </summary>
internal static class TokenizerPersistence
{
    private const string Magic = "MLT.Tokenizer";
    private const int FormatVersion = 1;

    public static void Save(TextTokenizer tokenizer, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(stream);
        if (tokenizer.Kind == TokenizerKind.Custom)
            throw new NotSupportedException(
                $"A tokenizer of type {tokenizer.Inner.GetType().FullName} cannot be saved into a model: Microsoft.ML.Tokenizers has no " +
                "save method for it. Use TokenizerKind.LearnedBpe, Bytes, Gpt2, or BpeFiles (vocab.json + merges.txt) for a model that must be saved.");

        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write((int)tokenizer.Kind);
        w.Write(tokenizer.Specials.SentinelCount);
        var source = tokenizer.Source;
        switch (tokenizer.Kind)
        {
            case TokenizerKind.Bytes:
                break;
            case TokenizerKind.LearnedBpe:
                w.Write(source.Merges!.Count);
                foreach (var (left, right) in source.Merges)
                {
                    w.Write(left);
                    w.Write(right);
                }
                break;
            case TokenizerKind.Gpt2:
                w.Write(source.ModelName!);
                break;
            case TokenizerKind.BpeFiles:
                w.Write(source.VocabJson!);
                w.Write(source.MergesText!);
                w.Write(source.ByteLevel);
                break;
            default:
                throw new NotSupportedException($"Saving tokenizer kind {tokenizer.Kind} is not supported.");
        }
    }

    public static TextTokenizer Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadString() != Magic) throw new InvalidDataException("Not a saved tokenizer (bad magic).");
            int version = r.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"Saved tokenizer format {version} is not supported (this library reads {FormatVersion}).");
            var kind = (TokenizerKind)r.ReadInt32();
            int sentinels = r.ReadInt32();
            if (sentinels < 0) throw new InvalidDataException($"Saved tokenizer has a negative sentinel count ({sentinels}).");
            switch (kind)
            {
                case TokenizerKind.Bytes:
                    return TextTokenizer.Bytes(sentinels);
                case TokenizerKind.LearnedBpe:
                    int n = r.ReadInt32();
                    if (n < 0) throw new InvalidDataException($"Saved tokenizer has a negative merge count ({n}).");
                    var merges = new List<(string, string)>(n);
                    for (int i = 0; i < n; i++) merges.Add((r.ReadString(), r.ReadString()));
                    return TextTokenizer.LearnedBpe(merges, sentinels);
                case TokenizerKind.Gpt2:
                    string name = r.ReadString();
                    return name == "gpt2" ? TextTokenizer.Gpt2(sentinels)
                        : throw new InvalidDataException($"Saved tokenizer names an unknown vocabulary '{name}'.");
                case TokenizerKind.BpeFiles:
                    return TextTokenizer.FromBpeFiles(r.ReadString(), r.ReadString(), r.ReadBoolean(), sentinels);
                default:
                    throw new InvalidDataException($"Saved tokenizer has an unknown kind ({(int)kind}).");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The saved tokenizer is truncated.", e);
        }
    }

    /// <summary>
    /// Hex SHA-256 of the saved form. A custom tokenizer, which cannot be saved, is digested from its type, its
    /// vocabulary size and the ids of a fixed probe text instead.
    /// </summary>
    public static string Fingerprint(TextTokenizer tokenizer)
    {
        byte[] content;
        if (tokenizer.Kind == TokenizerKind.Custom)
        {
            const string probe = "The quick brown fox jumps over the lazy dog. 0123456789 Ünïcödé 中文 🙂";
            content = Encoding.UTF8.GetBytes($"custom|{tokenizer.Inner.GetType().FullName}|{tokenizer.VocabularySize}|{tokenizer.Specials.Count}|"
                + string.Join(",", tokenizer.Encode(probe)));
        }
        else
        {
            content = tokenizer.ToBytes();
        }
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
