using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Tests.Tagging;

/// <summary>The derivation of entity labels from a meaning representation, on sentences written here.</summary>
[TestClass]
public sealed class E2eEntitiesTests
{
    [TestMethod]
    public void SlotValuesFoundVerbatimBecomeEntitiesOfTheirType()
    {
        var row = E2eEntities.Label("name[The Mill], food[Indian], customer rating[5 out of 5], near[Loch Fyne], familyFriendly[yes]",
            "The Mill serves indian food near Loch Fyne; diners rate the mill 5 out of 5 and bring children.")!;
        // familyFriendly[yes] is not written verbatim; "indian" and "the mill" match ignoring case.
        Assert.AreEqual("B-name I-name O B-food O O B-near I-near O O O B-name I-name B-rating I-rating I-rating I-rating O O O O",
            string.Join(" ", row.Tags));
    }

    [TestMethod]
    public void AValueInsideAnotherWordIsNotAnEntity()
    {
        var row = E2eEntities.Label("name[Aromi], area[riverside]", "Aromiland is by the riversides.")!;
        Assert.IsTrue(row.Tags.All(t => t == "O"), string.Join(" ", row.Tags));
    }

    [TestMethod]
    public void TwoSlotsWithOneValueLeaveTheRowOut()
    {
        Assert.IsNull(E2eEntities.Label("priceRange[high], customer rating[high]", "It is high in price and high in rating."));
    }
}
