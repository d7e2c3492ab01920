using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>The generated corpus the tokenizer and batching tests share, and the tokenizer learned from it, built once.</summary>
internal static class TestCorpus
{
    private static readonly Lazy<string[]> TrainRows = new(() => GeneratedCorpus.Rows(10_000, seed: 1));
    private static readonly Lazy<string[]> TestRows = new(() => GeneratedCorpus.Rows(3_000, seed: 2));
    private static readonly Lazy<TextTokenizer> Learned = new(() => TextTokenizer.Learn(Train, 8000, 50_000, seed: 1));

    /// <summary>10,000 rows to learn from.</summary>
    public static string[] Train => TrainRows.Value;

    /// <summary>3,000 other rows of the same kind.</summary>
    public static string[] Test => TestRows.Value;

    /// <summary>Byte-level BPE, 8,000 entries, learned from <see cref="Train"/>.</summary>
    public static TextTokenizer LearnedBpe => Learned.Value;
}
