using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// How text becomes token ids: the vocabulary, the special tokens, and what happens to long, empty or missing text.
/// Every default lives here. The ML.NET components expose this class as it is.
/// </summary>
public sealed class TokenizerOptions
{
    /// <summary>The vocabulary. Default <see cref="TokenizerKind.LearnedBpe"/>.</summary>
    public TokenizerKind Kind { get; set; } = TokenizerKind.LearnedBpe;

    private int? _vocabularySize, _maxLength;

    /// <summary>The largest <see cref="VocabularySize"/>, <see cref="CustomVocabularySize"/> and <see cref="SentinelCount"/> accepted (1,000,000).</summary>
    public const int MaxVocabularySize = 1_000_000;

    /// <summary>
    /// The ordinary vocabulary size of a learned BPE, the 256 byte tokens included (special tokens come on top).
    /// Default 8,000, at most <see cref="MaxVocabularySize"/>; the Transformer classifier, when this is not set, chooses
    /// it from the words of its training texts (and logs why). Learning stops earlier when no pair of tokens occurs
    /// twice in the sample.
    /// </summary>
    public int VocabularySize { get => _vocabularySize ?? DefaultVocabularySize; set => _vocabularySize = value; }

    /// <summary>The default of <see cref="VocabularySize"/>, which is also the largest size the classifier chooses.</summary>
    internal const int DefaultVocabularySize = 8000;

    /// <summary>Whether <see cref="VocabularySize"/> was set by the user.</summary>
    internal bool VocabularySizeIsSet => _vocabularySize is not null;

    /// <summary>
    /// How many rows a learned BPE is learned from: a seeded uniform sample of the training rows, so that a large
    /// data set costs one streaming pass and bounded memory. Default 50,000.
    /// </summary>
    public int BpeSampleRows { get; set; } = 50_000;

    /// <summary>Seed of the BPE sample. The same seed and data give the same vocabulary. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// Number of sentinel tokens (<c>&lt;extra_id_0&gt;</c>, ...) reserved for span-corruption pretraining. Default 0,
    /// at most <see cref="MaxVocabularySize"/>.
    /// </summary>
    public int SentinelCount { get; set; }

    /// <summary>
    /// The most tokens one model input may hold, special tokens included. Longer texts are cut (by token, never
    /// inside a character) on the side <see cref="TruncationSide"/> says, and the number of cut rows is logged.
    /// Default 128; the Transformer classifier, when this is not set, chooses it from its training texts' token
    /// lengths (and logs why).
    /// </summary>
    public int MaxLength { get => _maxLength ?? DefaultMaxLength; set => _maxLength = value; }

    /// <summary>The default of <see cref="MaxLength"/>, which the components that read text without a tokenizer option of their own share.</summary>
    internal const int DefaultMaxLength = 128;

    // The network's largest position table is the same bound; both read it from the root.
    private const int LongestMaxLength = SizeLimits.MaxSize;

    /// <summary>Whether <see cref="MaxLength"/> was set by the user.</summary>
    internal bool MaxLengthIsSet => _maxLength is not null;

    /// <summary>Which end of a long text is kept. Default <see cref="TruncationSide.KeepHead"/>.</summary>
    public TruncationSide TruncationSide { get; set; } = DefaultTruncationSide;

    internal const TruncationSide DefaultTruncationSide = TruncationSide.KeepHead;

    /// <summary>What an empty or missing text does. Default <see cref="EmptyTextHandling.Skip"/> (skipped and counted).</summary>
    public EmptyTextHandling EmptyText { get; set; } = EmptyTextHandling.Skip;

    /// <summary>Path of a BPE vocab.json (token → id), for <see cref="TokenizerKind.BpeFiles"/>.</summary>
    public string? BpeVocabularyFile { get; set; }

    /// <summary>Path of a BPE merges.txt (one "left right" pair a line), for <see cref="TokenizerKind.BpeFiles"/>.</summary>
    public string? BpeMergesFile { get; set; }

    /// <summary>
    /// Whether the BPE files are byte-level (GPT-2 / RoBERTa style, where a space is written 'Ġ'). Default true.
    /// </summary>
    public bool BpeFilesByteLevel { get; set; } = true;

    /// <summary>The tokenizer to use for <see cref="TokenizerKind.Custom"/>.</summary>
    public Tokenizer? CustomTokenizer { get; set; }

    /// <summary>
    /// The id range of <see cref="CustomTokenizer"/> (largest id + 1). 0 (default) infers it from the tokenizer's
    /// vocabulary where the tokenizer exposes one.
    /// </summary>
    public int CustomVocabularySize { get; set; }

    /// <summary>A copy of these options with another <see cref="SentinelCount"/> (the caller's options stay as they are).</summary>
    internal TokenizerOptions WithSentinelCount(int sentinelCount)
    {
        var copy = (TokenizerOptions)MemberwiseClone();
        copy.SentinelCount = sentinelCount;
        return copy;
    }

    /// <summary>A copy of these options with another <see cref="VocabularySize"/> (the caller's options stay as they are).</summary>
    internal TokenizerOptions WithVocabularySize(int vocabularySize)
    {
        var copy = (TokenizerOptions)MemberwiseClone();
        copy.VocabularySize = vocabularySize;
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        // ArgumentException throughout, as before: Require words each message as every option check does.
        Require.Holds(Enum.IsDefined(Kind), nameof(Kind), $"Kind must be a defined {nameof(TokenizerKind)}; found {(int)Kind}.");
        Require.Holds(Kind != TokenizerKind.LearnedBpe || VocabularySize is >= 257 and <= MaxVocabularySize, nameof(VocabularySize),
            $"VocabularySize must be between 257 (256 byte tokens + 1 merge) and {MaxVocabularySize:N0}; found {VocabularySize}.");
        Require.Holds(BpeSampleRows >= 1, nameof(BpeSampleRows), $"BpeSampleRows must be at least 1; found {BpeSampleRows}.");
        Require.Holds(SentinelCount is >= 0 and <= MaxVocabularySize, nameof(SentinelCount),
            $"SentinelCount must be between 0 and {MaxVocabularySize:N0}; found {SentinelCount}.");
        Require.Holds(MaxLength is >= 1 and <= LongestMaxLength, nameof(MaxLength),
            $"MaxLength must be between 1 and {LongestMaxLength:N0}; found {MaxLength}.");
        Require.Holds(Enum.IsDefined(TruncationSide), nameof(TruncationSide),
            $"TruncationSide must be a defined {nameof(Tokenization.TruncationSide)}; found {(int)TruncationSide}.");
        Require.Holds(Enum.IsDefined(EmptyText), nameof(EmptyText), $"EmptyText must be a defined {nameof(EmptyTextHandling)}; found {(int)EmptyText}.");
        Require.Holds(Kind != TokenizerKind.BpeFiles || (!string.IsNullOrEmpty(BpeVocabularyFile) && !string.IsNullOrEmpty(BpeMergesFile)), nameof(BpeVocabularyFile),
            $"TokenizerKind.BpeFiles needs both BpeVocabularyFile and BpeMergesFile; found {Require.Show(BpeVocabularyFile)} and {Require.Show(BpeMergesFile)}.");
        Require.Holds(Kind != TokenizerKind.Custom || CustomTokenizer is not null, nameof(CustomTokenizer),
            "TokenizerKind.Custom needs CustomTokenizer; found null.");
        Require.Holds(CustomVocabularySize is >= 0 and <= MaxVocabularySize, nameof(CustomVocabularySize),
            $"CustomVocabularySize must be between 0 and {MaxVocabularySize:N0}; found {CustomVocabularySize}.");
    }
}
