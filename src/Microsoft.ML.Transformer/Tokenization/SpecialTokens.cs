namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// The special tokens every model of the library shares. They take ids 0..Count-1 (padding is 0), and the wrapped
/// tokenizer's ordinary ids are shifted up by <see cref="Count"/>, so a special id can never collide with an
/// ordinary one — and no input text can produce a special id: they exist only as ids, never as text.
/// </summary>
internal sealed class SpecialTokens
{
    // Fixed order: the ids are part of every saved model.
    private static readonly string[] FixedNames = ["<pad>", "<bos>", "<eos>", "<unk>", "<sep>", "<cls>", "<mask>"];

    private readonly string[] _names;
    private readonly Dictionary<string, int> _ids;

    public SpecialTokens(int sentinelCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sentinelCount);
        SentinelCount = sentinelCount;
        _names = [.. FixedNames, .. Enumerable.Range(0, sentinelCount).Select(i => $"<extra_id_{i}>")];
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++) _ids[_names[i]] = i;
    }

    /// <summary>How many ids are special (the shift applied to ordinary ids).</summary>
    public int Count => _names.Length;

    /// <summary>Number of sentinel tokens for span corruption.</summary>
    public int SentinelCount { get; }

    /// <summary>Padding; 0, so zero-filled tensors are padded tensors.</summary>
    public int Pad => 0;
    /// <summary>Begin of sequence; the decoder's first input.</summary>
    public int Begin => 1;
    /// <summary>End of sequence; ends targets and separates documents in packed streams.</summary>
    public int End => 2;
    /// <summary>Unknown token (byte-level vocabularies never need it).</summary>
    public int Unknown => 3;
    /// <summary>Separator between the two texts of a pair, and after the last text.</summary>
    public int Separator => 4;
    /// <summary>Classification token at position 0 of classifier inputs.</summary>
    public int Classification => 5;
    /// <summary>Mask token for masked-language-model pretraining.</summary>
    public int Mask => 6;

    /// <summary>Id of sentinel <paramref name="index"/> (0-based).</summary>
    public int Sentinel(int index)
    {
        if ((uint)index >= (uint)SentinelCount)
            throw new ArgumentOutOfRangeException(nameof(index), $"Sentinel {index} does not exist: there are {SentinelCount} sentinel tokens (TokenizerOptions.SentinelCount).");
        return FixedNames.Length + index;
    }

    /// <summary>All names in id order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Whether <paramref name="id"/> is a special id.</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_names.Length;

    /// <summary>The id of a special token by name, e.g. "&lt;pad&gt;" or "&lt;extra_id_3&gt;".</summary>
    public int Id(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_ids.TryGetValue(name, out int id)) return id;
        throw new ArgumentException(
            $"Unknown special token '{name}'. Known: {string.Join(", ", _names.Take(FixedNames.Length + Math.Min(SentinelCount, 3)))}"
            + (SentinelCount > 3 ? $", ... <extra_id_{SentinelCount - 1}>." : "."), nameof(name));
    }

    /// <summary>The name of a special id.</summary>
    public string Name(int id) => IsSpecial(id) ? _names[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"{id} is not a special id (0..{Count - 1}).");
}
