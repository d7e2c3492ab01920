using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Tests.Modeling;

/// <summary>Inputs never outgrow a network's position table: a new table grows to hold them, an existing one caps them.</summary>
[TestClass]
public sealed class PositionTableFitTests
{
    [TestMethod]
    public void ANewTableIsRaisedToHoldTheInputsAndNeverShrunk()
    {
        Assert.AreEqual(300, PositionTableFit.RaiseTable(tableLength: 256, longestInput: 300));
        Assert.AreEqual(256, PositionTableFit.RaiseTable(tableLength: 256, longestInput: 128));
    }

    [TestMethod]
    public void InputsAreCappedAtAnExistingTable()
    {
        var network = new ModelOptions { VocabularySize = 300, MaxLength = 64 };
        Assert.AreEqual(64, PositionTableFit.CapInput(128, network));
        Assert.AreEqual(32, PositionTableFit.CapInput(32, network));
    }
}
