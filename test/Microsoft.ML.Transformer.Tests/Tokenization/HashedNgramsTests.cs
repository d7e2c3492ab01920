using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>The classifier's hashed n-grams: a fixed function of the text on every machine, each part of the same norm.</summary>
[TestClass]
public sealed class HashedNgramsTests
{
    private static readonly HashedNgrams Both = new(1 << 20, WordLength: 2, CharLength: 3);

    [TestMethod]
    public void IdsArePinnedSoASavedModelScoresAlikeEverywhere()
    {
        var bag = new HashedNgrams(1 << 20, WordLength: 2, CharLength: 0).Featurize("Not bad!");
        // not, not+bad, bad, bad+!, ! : FNV-1a over UTF-16 code units, taken modulo the buckets (worked out in Python).
        CollectionAssert.AreEqual(new long[] { 105610, 671508, 481912, 233902, 822764 }, bag.Ids);
    }

    [TestMethod]
    public void EachPartHasTheSameNormWhateverTheTextsLength()
    {
        foreach (string text in new[] { "ok", "the card I ordered last week has still not arrived, can you check?" })
        {
            foreach (var part in new[] { Both with { CharLength = 0 }, Both with { WordLength = 0 } })
            {
                var bag = part.Featurize(text);
                double norm = Math.Sqrt(bag.Weights.Sum(w => (double)w * w));
                Assert.AreEqual(HashedNgrams.PartNorm, norm, 1e-3, $"{part} on '{text}'");
            }
        }
    }

    [TestMethod]
    public void CaseAndSpacingDoNotMatterButWordOrderDoes()
    {
        Assert.IsTrue(Same(Both.Featurize("Hello   World"), Both.Featurize("hello world")));
        var words = Both with { CharLength = 0 };
        Assert.IsFalse(Same(words.Featurize("not good"), words.Featurize("good not")), "bigrams keep the order");
        var unigrams = words with { WordLength = 1 };
        Assert.IsTrue(Same(unigrams.Featurize("not good"), unigrams.Featurize("good not")), "single words have no order");
    }

    [TestMethod]
    public void EmptyTextHasAnEmptyBagAndSettingsRoundTrip()
    {
        Assert.IsEmpty(Both.Featurize("").Ids);
        using var stream = new MemoryStream();
        Both.Save(new BinaryWriter(stream));
        stream.Position = 0;
        Assert.AreEqual(Both, HashedNgrams.Load(new BinaryReader(stream)));
        Assert.ThrowsExactly<InvalidDataException>(() => HashedNgrams.Load(Reader(0, 2, 3)));
        Assert.ThrowsExactly<InvalidDataException>(() => HashedNgrams.Load(Reader(16, 0, 0)));
    }

    private static bool Same(HashedNgrams.Bag a, HashedNgrams.Bag b) =>
        a.Ids.Zip(a.Weights).OrderBy(p => p.First).SequenceEqual(b.Ids.Zip(b.Weights).OrderBy(p => p.First));

    private static BinaryReader Reader(params int[] values)
    {
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        foreach (int v in values) writer.Write(v);
        stream.Position = 0;
        return new BinaryReader(stream);
    }
}
