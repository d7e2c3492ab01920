using System.Text;
using System.Text.Json;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// The Python package encodes text into the library's ids: for each vocabulary a model folder carries (bytes, a learned
/// BPE, byte-level BPE files), on generated text of many scripts, astral characters, whitespace runs and long runs
/// without a space, whole and cut to a limit from either end.
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonTokenizerTests
{
    private static readonly string[] Fragments =
    [
        "the", "quick", "brown", "fox's", "they're", "we'll", "I'd", "don't", "Ünïcödé", "façade", "Straße", "naïve",
        "Москва", "привет", "Ελλάδα", "日本語", "中文字符", "한국어", "العربية", "עברית", "हिन्दी", "ไทย", "🙂", "👍🏽",
        "👩‍💻", "𝐀𝐁𝐂", "𝟙𝟚", "e\u0301", "123", "4.5", "٣٤", "½", "Ⅻ", "!!", "?", "...", "—", "«quoted»", "(x)", "$%",
        "\u00a0", "\u3000", "\u2028", "\t", "\n", "\r\n", "  ", "   ", " ", " ", " ", "a1b2", "CamelCase", "snake_case", "<|endoftext|>",
    ];

    [TestMethod]
    public void PythonIdsEqualTheLibrarysForEveryExportableVocabulary()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        var random = new Random(11);
        string[] texts = [.. Enumerable.Range(0, 120).Select(_ => Text(random, random.Next(1, 40))), "", " ", "  x", "x  ",
            string.Concat(Enumerable.Range(0, 700).Select(i => i % 7 == 0 ? "🙂" : i % 3 == 0 ? "9" : "ab")), // no whitespace: forced cuts
            string.Join(" ", Enumerable.Range(0, 500).Select(_ => Fragments[random.Next(Fragments.Length)]))];
        var learned = TextTokenizer.Learn(texts, vocabularySize: 700, sampleRows: 1000, seed: 3, sentinelCount: 2);
        var merges = learned.Source.Merges!;
        string vocabJson = JsonSerializer.Serialize(ByteLevelBpe.VocabularyFromMerges(merges));
        string mergesText = "#version: 0.2\n" + string.Join("\n", merges.Select(m => m.Left + " " + m.Right)) + "\n";
        var tokenizers = new[] { TextTokenizer.Bytes(sentinelCount: 3), learned, TextTokenizer.FromBpeFiles(vocabJson, mergesText, byteLevel: true) };

        var cases = new List<(string Text, int? Limit, TruncationSide Side)>();
        foreach (string text in texts)
        {
            cases.Add((text, null, TruncationSide.KeepHead));
            foreach (int limit in new[] { 1, 5, 40, 300 })
                foreach (var side in new[] { TruncationSide.KeepHead, TruncationSide.KeepTail })
                    if (text.Length > 150 || limit <= 40) cases.Add((text, limit, side));
        }
        string root = TestPaths.NewTempDir();
        string input = Path.Combine(root, "cases.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases.Select(c => new { c.Text, c.Limit, Side = c.Side.ToString() })), new UTF8Encoding(false));
        int compared = 0;
        foreach (var tokenizer in tokenizers)
        {
            string folder = Path.Combine(root, tokenizer.Kind.ToString());
            Directory.CreateDirectory(folder);
            var description = FolderTokenizer.Describe(tokenizer, (name, bytes) => File.WriteAllBytes(Path.Combine(folder, name), bytes));
            File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new { Tokenizer = description }, FolderConfig.Json));
            string output = Path.Combine(root, tokenizer.Kind + ".json");
            PythonMirror.RunModule("tokenizer", folder, input, output);
            int[][] python = JsonSerializer.Deserialize<int[][]>(File.ReadAllText(output))!;
            Assert.HasCount(cases.Count, python);
            for (int i = 0; i < cases.Count; i++)
            {
                var (text, limit, side) = cases[i];
                int[] expected = limit is int l ? tokenizer.Encode(text, l, side) : tokenizer.Encode(text);
                CollectionAssert.AreEqual(expected, python[i], $"{tokenizer.Kind}, case {i} (limit {limit}, {side}): '{text}'");
                compared += expected.Length;
            }
        }
        Console.WriteLine($"RESULT python-tokenizer cases={cases.Count} kinds={tokenizers.Length} ids_compared={compared} differences=0");
        Assert.IsGreaterThan(5_000, compared);
    }

    // Fragments joined by nothing, a space or other whitespace, so that pre-token boundaries fall everywhere.
    private static string Text(Random random, int fragments)
    {
        var text = new StringBuilder();
        for (int i = 0; i < fragments; i++)
        {
            text.Append(Fragments[random.Next(Fragments.Length)]);
            if (random.Next(3) > 0) text.Append(random.Next(5) == 0 ? "  " : " ");
        }
        return text.ToString();
    }
}
