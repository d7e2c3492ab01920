using Microsoft.ML.Transformer.Generation;

namespace Microsoft.ML.Transformer.Tests.Generation;

[TestClass]
public sealed class DecodingOptionsTests
{
    [TestMethod]
    public void Defaults_AreGreedyAndFitTheGeneratorsDefaultNetwork()
    {
        var defaults = new DecodingOptions();
        Assert.AreEqual(DecodingStrategy.Greedy, defaults.Strategy);
        Assert.AreEqual(64, defaults.MaxNewTokens);
        Assert.IsEmpty(defaults.StopSequences);
        Assert.AreEqual(Microsoft.ML.Transformer.Modeling.Precision.Float32, defaults.Precision);
        defaults.Validate(maxModelLength: new Microsoft.ML.Transformer.MLNet.Generation.TextGenerationOptions().Model.MaxLength);
    }

    public static IEnumerable<object[]> InvalidOptions =>
    [
        [new DecodingOptions { Temperature = -0.1 }, "Temperature"],
        [new DecodingOptions { Temperature = double.NaN }, "Temperature"],
        [new DecodingOptions { TopP = 0 }, "TopP"],
        [new DecodingOptions { TopP = 1.5 }, "TopP"],
        [new DecodingOptions { TopK = -1 }, "TopK"],
        [new DecodingOptions { BeamWidth = 0 }, "BeamWidth"],
        [new DecodingOptions { MaxNewTokens = 0 }, "MaxNewTokens"],
        [new DecodingOptions { MaxNewTokens = 513 }, "MaxNewTokens"],
        [new DecodingOptions { RepetitionPenalty = 0 }, "RepetitionPenalty"],
        [new DecodingOptions { NoRepeatNgramSize = -2 }, "NoRepeatNgramSize"],
        [new DecodingOptions { LengthPenalty = double.PositiveInfinity }, "LengthPenalty"],
        [new DecodingOptions { StopSequences = ["ok", ""] }, "StopSequences"],
        [new DecodingOptions { Strategy = (DecodingStrategy)42 }, "Strategy"],
        [new DecodingOptions { Precision = (Microsoft.ML.Transformer.Modeling.Precision)7 }, "Precision"],
    ];

    [TestMethod]
    [DynamicData(nameof(InvalidOptions))]
    public void Invalid_ThrowsNamingTheOption(DecodingOptions options, string option)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => options.Validate(maxModelLength: 512));
        Assert.AreEqual(option, e.ParamName);
        StringAssert.Contains(e.Message, option + " must ");
        StringAssert.Contains(e.Message, "; found ");
    }

    [TestMethod]
    public void MaxNewTokens_UpToTheModelLength_IsValid()
    {
        new DecodingOptions { MaxNewTokens = 512 }.Validate(512);                 // the boundary itself is accepted
        var e = Assert.ThrowsExactly<ArgumentException>(() => new DecodingOptions { MaxNewTokens = 513 }.Validate(512));
        Assert.AreEqual(nameof(DecodingOptions.MaxNewTokens), e.ParamName);
        StringAssert.Contains(e.Message, "found 513");
    }

    [TestMethod]
    public void StopSequences_WithoutDecodeFunction_Throw()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new DecodingLoop(new DecodingOptions { StopSequences = ["."] }, 64, StandInModels.Eos));
        StringAssert.Contains(e.Message, "StopSequences");
    }
}
