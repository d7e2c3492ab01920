using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;

namespace Microsoft.ML.Transformer.Tests.Classification;

[TestClass]
public sealed class ClassifierDefaultsTests
{
    [TestMethod]
    public void SmallDataGetsMoreEpochsAndLargeDataFewer()
    {
        Assert.AreEqual(ClassifierDefaults.MaxEpochs, ClassifierDefaults.Epochs(250, 32).Epochs, "8 steps an epoch");
        Assert.AreEqual(8, ClassifierDefaults.Epochs(9_000, 32).Epochs, "282 steps an epoch: 8 epochs are the fewest that reach 2,000 steps");
        Assert.AreEqual(ClassifierDefaults.MinEpochs, ClassifierDefaults.Epochs(1_000_000, 32).Epochs);
        StringAssert.Contains(ClassifierDefaults.Epochs(9_000, 32).Why, "9,000 training rows make 282 steps an epoch");
    }

    [TestMethod]
    public void TheNetworkGrowsWithTheData()
    {
        var (small, why) = ClassifierDefaults.Model(1_000, maxLength: 48);
        Assert.AreEqual((128, 2, 48), (small.ModelDimension, small.EncoderLayers, small.MaxLength));
        StringAssert.Contains(why, "fewer than 50,000");
        var (large, _) = ClassifierDefaults.Model(ClassifierDefaults.LargeDataRows, maxLength: 128);
        Assert.AreEqual((256, 4), (large.ModelDimension, large.EncoderLayers));
        Assert.AreEqual(0, large.DecoderLayers);
    }

    [TestMethod]
    public void TheVocabularyFollowsTheRecurringWordsWithinBounds()
    {
        Assert.AreEqual(ClassifierDefaults.MinVocabulary, ClassifierDefaults.VocabularySize(100).Size);
        Assert.AreEqual(3_000, ClassifierDefaults.VocabularySize(2_600).Size, "256 bytes + 2,600 words, rounded up to 500");
        Assert.AreEqual(ClassifierDefaults.MaxVocabulary, ClassifierDefaults.VocabularySize(150_000).Size);
    }

    [TestMethod]
    public void TheMaximumLengthCoversMostTextsRoundedUpToEight()
    {
        var lengths = Enumerable.Range(1, 100).ToArray(); // 98% of them have at most 98 tokens
        Assert.AreEqual(104, ClassifierDefaults.MaxLengthFor(lengths).Length);
        Assert.AreEqual(ClassifierDefaults.MinLength, ClassifierDefaults.MaxLengthFor([3, 4, 5]).Length);
        Assert.AreEqual(ClassifierDefaults.MaxLength, ClassifierDefaults.MaxLengthFor(Enumerable.Repeat(5_000, 10).ToArray()).Length);
    }

    [TestMethod]
    public void TheValidationSplitTakesTheSameShareOfEveryClassAndKeepsOneRowOfEach()
    {
        var rows = new[] { Positions(0, 900), Positions(900, 100), Positions(1_000, 1) };
        var lines = new List<string>();
        var heldOut = ValidationSplit.Choose(rows, 0.1, seed: 5, lines.Add)!;
        Assert.AreEqual(90, heldOut.Count(p => p < 900));
        Assert.AreEqual(10, heldOut.Count(p => p is >= 900 and < 1_000));
        Assert.IsFalse(heldOut.Contains(1_000), "a class of one row keeps it for training");
        CollectionAssert.AreEquivalent(heldOut.ToArray(), ValidationSplit.Choose(rows, 0.1, seed: 5, _ => { })!.ToArray(), "seeded");
        CollectionAssert.AreNotEquivalent(heldOut.ToArray(), ValidationSplit.Choose(rows, 0.1, seed: 6, _ => { })!.ToArray());
        StringAssert.Contains(lines.Single(), "held out 100 of 1,001 rows");
    }

    [TestMethod]
    public void TheValidationSplitIsCappedAndSkippedForTinyData()
    {
        var large = ValidationSplit.Choose([Positions(0, 50_000), Positions(50_000, 50_000)], 0.1, seed: 1, _ => { })!;
        Assert.AreEqual(ValidationSplit.MaxRows, large.Count);
        var lines = new List<string>();
        Assert.IsNull(ValidationSplit.Choose([Positions(0, 100), Positions(100, 90)], 0.1, seed: 1, lines.Add));
        StringAssert.Contains(lines.Single(), "No validation split: 190 rows");
        Assert.IsNull(ValidationSplit.Choose([Positions(0, 1_000), Positions(1_000, 1_000)], 0, seed: 1, _ => { }), "0 turns it off");
    }

    [TestMethod]
    public void TheProfileCountsClassesRowsAndRecurringWords()
    {
        TextRow[] rows =
        [
            new(0, "Hello world", Label: 0), new(1, "hello there", Label: 1), new(2, "once", Label: 1), new(3, "unlabelled hello", Label: -1),
        ];
        var profile = DataProfile.Read(rows, classes: 2);
        CollectionAssert.AreEqual(new long[] { 1, 2 }, profile.ClassCounts);
        CollectionAssert.AreEqual(new long[] { 1, 2 }, profile.RowsByClass[1].ToArray());
        Assert.AreEqual(1, profile.RecurringWords, "only 'hello' occurs twice among labelled rows (case folded)");
    }

    private static long[] Positions(long first, int count) => Enumerable.Range(0, count).Select(i => first + i).ToArray();
}
