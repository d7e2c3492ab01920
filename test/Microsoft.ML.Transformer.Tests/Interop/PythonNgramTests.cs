using System.Text;
using System.Text.Json;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// The Python package's hashed n-grams (mlnet_transformer.ngrams) are the library's, bucket for bucket and weight for
/// weight in the same order: on generated text, on text of many scripts with astral characters and lone surrogates, and
/// on every UTF-16 code unit, for the default settings and for other lengths, bucket counts and text pairs.
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonNgramTests
{
    private sealed record Bag(long[] Ids, float[] Weights);

    [TestMethod]
    public void PythonBagsEqualTheLibrarysBitForBit()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        var random = new Random(5);
        var texts = new List<string?[]>();
        foreach (string text in DistributedRun.Texts(150, seed: 9).Concat(Enumerable.Range(0, 150).Select(_ => Scripts(random))))
            texts.Add([text, null]);
        // Every UTF-16 code unit, lone surrogates included, in chunks that mix them with spaces and ASCII words.
        for (int start = 0; start < 0x10000; start += 2048)
            texts.Add([string.Concat(Enumerable.Range(start, 2048).Select(c => (char)c + (c % 7 == 0 ? " x " : ""))), null]);
        texts.AddRange([["", null], [" \t\u3000 ", null], ["A", "b"], ["", ""], ["Hello, World", "WORLD hello  !"], ["İIıΣς", "ǅ ǈ"]]);
        texts.AddRange(Enumerable.Range(0, 40).Select(_ => new[] { Scripts(random), Scripts(random) }));

        string root = TestPaths.NewTempDir();
        string input = Path.Combine(root, "texts.json");
        // As UTF-16 code units: JSON writers replace lone surrogates.
        var units = texts.Select(row => row.OfType<string>().Select(t => t.Select(c => (int)c).ToArray()).ToArray());
        File.WriteAllText(input, JsonSerializer.Serialize(units), new UTF8Encoding(false));
        long compared = 0;
        foreach (var settings in new HashedNgrams[] { new(1 << 18, 2, 3), new(1_000, 3, 0), new(7, 0, 5), new(int.MaxValue / 2, 1, 1) })
        {
            string file = Path.Combine(root, "settings.json"), output = Path.Combine(root, "bags.json");
            File.WriteAllText(file, JsonSerializer.Serialize(settings));
            PythonMirror.RunModule("ngrams", file, input, output);
            var python = JsonSerializer.Deserialize<Bag[]>(File.ReadAllText(output))!;
            Assert.HasCount(texts.Count, python);
            for (int i = 0; i < texts.Count; i++)
            {
                var expected = settings.Featurize(texts[i][0]!, texts[i][1]);
                CollectionAssert.AreEqual(expected.Ids, python[i].Ids, $"{settings}, text {i}: bucket ids");
                CollectionAssert.AreEqual(expected.Weights, python[i].Weights, $"{settings}, text {i}: weights");
                compared += expected.Ids.Length;
            }
        }
        Console.WriteLine($"RESULT python-ngrams texts={texts.Count} settings=4 buckets_compared={compared} differences=0");
        Assert.IsGreaterThan(100_000, compared);
    }

    private static readonly string[] Fragments =
    [
        "Ünïcödé", "façade", "Straße", "İstanbul", "ΣΟΦΟΣ", "σοφός", "Москва", "日本語", "한국어", "العربية", "עברית", "हिन्दी",
        "ไทย", "🙂", "👍🏽", "👩‍💻", "𝐀𝐁𝐂", "𐐀𐐨", "𞤀𞤢", "e\u0301", "٣٤", "½", "Ⅻ", "ǅ", "don't", "—", "«q»", "a1b2",
        "\u00a0", "\u3000", "\u2028", "\u0085", "\u001f", "\u200b", "\t", "\r\n", "  ", "\ud800", "\udc00x",
    ];

    private static string Scripts(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => Fragments[random.Next(Fragments.Length)] + (random.Next(3) == 0 ? "" : " ")));
}
