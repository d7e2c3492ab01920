using System.Text;
using Microsoft.ML.Transformer.Tests.Fixtures;
using Microsoft.ML.Transformer.Tests.Tokenization;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Reliability;

/// <summary>
/// Thousands of seeded random strings — random UTF-16 units, unpaired surrogates, control characters, long runs —
/// through every tokenizer kind and through the PredictionEngine of the classifier, the regressor and the generator
/// (the committed fixture models): no exception, no hang, finite outputs.
/// </summary>
[TestClass]
public sealed class RandomTextTests
{
    /// <summary>Hostile strings: mostly short, some runs of tens of thousands of characters.</summary>
    internal static IEnumerable<string> Strings(int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int length = random.Next(10) == 0 ? random.Next(1000, 40_000) : random.Next(0, 120);
            var sb = new StringBuilder(length);
            switch (i % 5)
            {
                case 0: // any UTF-16 unit, surrogates included
                    for (int k = 0; k < length; k++) sb.Append((char)random.Next(0x10000));
                    break;
                case 1: // unpaired surrogates among letters
                    for (int k = 0; k < length; k++) sb.Append(random.Next(3) == 0 ? (char)random.Next(0xD800, 0xE000) : (char)('a' + random.Next(26)));
                    break;
                case 2: // control characters and whitespace
                    for (int k = 0; k < length; k++) sb.Append((char)(random.Next(2) == 0 ? random.Next(0x20) : " \t\n\r\u0085\u2028\u00a0"[random.Next(7)]));
                    break;
                case 3: // one character repeated
                    sb.Append((char)random.Next(0x20, 0xD800), length);
                    break;
                default: // valid text from every plane
                    for (int k = 0; k < length; k++) sb.Append(char.ConvertFromUtf32(random.Next(4) == 0 ? random.Next(0x10000, 0x10FFFF) : random.Next(0x20, 0xD800)));
                    break;
            }
            yield return sb.ToString();
        }
    }

    /// <summary>Strings per tokenizer kind.</summary>
    private const int Count = 2000;

    /// <summary>Strings (pairs for the regressor) per PredictionEngine; bounded like the rest by the strings' lengths.</summary>
    private const int EngineCount = 5000;

    [TestMethod]
    [DynamicData(nameof(BoundedEncodingTests.Kinds), typeof(BoundedEncodingTests))]
    public void EveryTokenizerKindEncodesAndDecodesRandomStrings(string kind)
    {
        var tok = BoundedEncodingTests.Make(kind);
        bool lossless = kind is "bytes" or "bpe" or "gpt2" or "bpefiles";
        int done = 0;
        foreach (string text in Strings(Count, seed: 9))
        {
            int[] ids = tok.Encode(text);
            Assert.IsTrue(ids.All(id => id >= tok.Specials.Count && id < tok.VocabularySize), $"{kind}: id out of range");
            int[] head = tok.Encode(text, 30, TruncationSide.KeepHead), tail = tok.Encode(text, 30, TruncationSide.KeepTail);
            Assert.IsTrue(head.Length <= 30 && tail.Length <= 30, kind);
            string decoded = tok.Decode(ids);
            if (lossless) Assert.AreEqual(ByteLevelBpe.ReplaceLoneSurrogates(text), decoded, $"{kind}: round trip of string {done}");
            done++;
        }
        Console.WriteLine($"{kind}: {done} random strings, 0 exceptions");
    }

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
        public string First { get; set; } = "";
        public string Second { get; set; } = "";
        public string Source { get; set; } = "";
        public string Intent { get; set; } = "";
    }

    public sealed class Classified
    {
        public float[] Score { get; set; } = [];
        public string PredictedIntent { get; set; } = "";
    }

    public sealed class Regressed
    {
        public float Score { get; set; }
    }

    public sealed class Generated
    {
        public string Output { get; set; } = "";
        public float LogProbability { get; set; }
    }

    private static (MLContext Ml, ITransformer Model) Fixture(string name)
    {
        var ml = new MLContext(0);
        return (ml, ml.Model.Load(SavedFixtures.Zip(name), out _));
    }

    [TestMethod]
    public void TheClassifiersPredictionEngineScoresRandomStringsFinite()
    {
        var (ml, model) = Fixture("classifier-multiclass");
        using var engine = ml.Model.CreatePredictionEngine<TextRow, Classified>(model);
        int done = 0;
        foreach (string text in Strings(EngineCount, seed: 10))
        {
            var p = engine.Predict(new TextRow { Text = text });
            if (text.Length > 0)
            {
                Assert.IsTrue(p.Score.Length > 0 && p.Score.All(float.IsFinite), $"string {done}: scores not finite");
                Assert.AreEqual(1.0, p.Score.Sum(), 1e-4, $"string {done}");
            }
            done++;
        }
        Console.WriteLine($"classifier: {done} random strings, 0 exceptions");
    }

    [TestMethod]
    public void TheRegressorsPredictionEngineScoresRandomPairsFinite()
    {
        var (ml, model) = Fixture("regressor");
        using var engine = ml.Model.CreatePredictionEngine<TextRow, Regressed>(model);
        string[] strings = Strings(EngineCount, seed: 12).ToArray();
        for (int i = 0; i < strings.Length; i++)
        {
            string first = strings[i], second = strings[(i * 7 + 1) % strings.Length];
            var p = engine.Predict(new TextRow { First = first, Second = second });
            if (first.Length > 0 && second.Length > 0)
                Assert.IsTrue(float.IsFinite(p.Score), $"pair {i}: score {p.Score}");
        }
        Console.WriteLine($"regressor: {strings.Length} random pairs, 0 exceptions");
    }

    [TestMethod]
    public void TheGeneratorsPredictionEngineGeneratesFromRandomStrings()
    {
        var (ml, model) = Fixture("generator");
        using var engine = ml.Model.CreatePredictionEngine<TextRow, Generated>(model);
        int done = 0;
        foreach (string text in Strings(EngineCount, seed: 11))
        {
            var g = engine.Predict(new TextRow { Source = text });
            Assert.IsNotNull(g.Output);
            if (text.Length > 0) Assert.IsTrue(float.IsFinite(g.LogProbability), $"string {done}: log-probability {g.LogProbability}");
            done++;
        }
        Console.WriteLine($"generator: {done} random strings, 0 exceptions");
    }
}
