namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// The bag of hashed n-grams that a classifier's head reads beside the network's pooled vector (wide and deep): the
/// counts of the text's words, pairs of words and character trigrams, as a classic linear text model sees them, so
/// that small data sets can lean on them while large ones lean on the network. They are computed by the library from
/// the same text column at training and at scoring time and saved with the model.
/// </summary>
public sealed class NgramOptions
{
    /// <summary>
    /// Whether the head reads the n-grams. Default null: chosen in <c>Fit</c> and logged: on for one text column, off
    /// for a sentence pair (a bag of both texts cannot tell which words the two share).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Hash buckets the n-grams fall into (each bucket has one weight per class). Default null: chosen in <c>Fit</c>
    /// and logged: twice the distinct n-grams that occur at least twice in the training texts, as a power of two
    /// within 1,024-262,144, and at most 4,194,304 weights (buckets × classes) in all.
    /// </summary>
    public int? Buckets { get; set; }

    /// <summary>The longest word n-gram: 1 = single words, 2 = words and pairs of adjacent words; 0 = no word n-grams. Default 2.</summary>
    public int WordNgramLength { get; set; } = 2;

    /// <summary>The length of the character n-grams; 0 = none. Default 3.</summary>
    public int CharNgramLength { get; set; } = 3;

    /// <summary>The most <see cref="Buckets"/>, <see cref="WordNgramLength"/> and <see cref="CharNgramLength"/> may be.</summary>
    internal const int MaxBuckets = 1 << 24, MaxWordLength = 5, MaxCharLength = 8;

    internal void Validate()
    {
        if (Buckets is < 1 or > MaxBuckets)
            throw new ArgumentOutOfRangeException(nameof(Buckets), $"Ngrams.Buckets ({Buckets}) must be in [1, {MaxBuckets:N0}].");
        if (WordNgramLength is < 0 or > MaxWordLength)
            throw new ArgumentOutOfRangeException(nameof(WordNgramLength), $"Ngrams.WordNgramLength ({WordNgramLength}) must be in [0, {MaxWordLength}].");
        if (CharNgramLength is < 0 or > MaxCharLength)
            throw new ArgumentOutOfRangeException(nameof(CharNgramLength), $"Ngrams.CharNgramLength ({CharNgramLength}) must be in [0, {MaxCharLength}].");
        if (Enabled == true && WordNgramLength == 0 && CharNgramLength == 0)
            throw new ArgumentException("Ngrams.Enabled is true but both WordNgramLength and CharNgramLength are 0: there would be no n-gram.");
    }
}
