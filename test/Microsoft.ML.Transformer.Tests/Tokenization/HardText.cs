namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>Strings that break careless tokenizers.</summary>
internal static class HardText
{
    /// <summary>A 100,000-character text of ordinary words, digits, emoji and CJK.</summary>
    public static readonly string Long = string.Concat(Enumerable.Repeat("Where is my card 4412? 🙂 中文 ", 4000))[..100_000];

    public static readonly string[] Lossless =
    [
        "",
        "a",
        "Hello, world!  Two spaces,\ttab,\nnewline, trailing space ",
        "👩‍👩‍👧‍👦 family, 👍🏽 skin tone, 🏳️‍🌈 flag", // ZWJ sequences and modifiers
        "中文分词很难。日本語もです。한국어도요.", // CJK
        "مرحبا بالعالم، كيف حالك؟", // Arabic, right to left
        "e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0353", // combining marks
        "\u0000 control \u0007 chars \u001f and \u00ad soft hyphen",
        Long,
    ];
}
