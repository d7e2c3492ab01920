using System.Text.Json;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Tests.Modeling;

[TestClass]
public sealed class ModelOptionsTests
{
    private static readonly ModelOptions Valid = new() { VocabularySize = 100 };

    [TestMethod]
    public void TheDefaultsLackOnlyTheVocabularyWhichTrainersTakeFromTheirTokenizer()
    {
        var defaults = new ModelOptions();
        Assert.AreEqual(0, defaults.VocabularySize);
        defaults.ValidateShape(); // what a trainer checks its Model option with
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => defaults.Validate()); // a network built directly needs one
        Assert.AreEqual("VocabularySize", e.ParamName);
        Assert.AreSame(Valid, Valid.Validate());
        Assert.AreEqual((256, 4, 3, 3, 1024, 512), (Valid.ModelDimension, Valid.Heads, Valid.EncoderLayers, Valid.DecoderLayers, Valid.FeedForwardDimension, Valid.MaxLength));
    }

    [TestMethod]
    public void TheShapeCheckNamesEveryOptionButTheVocabulary()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ModelOptions { ModelDimension = 250 }.ValidateShape());
        StringAssert.Contains(e.Message, "ModelDimension (250) must be divisible by Heads (4)");
        var padding = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ModelOptions { PaddingId = -1 }.ValidateShape());
        Assert.AreEqual("PaddingId", padding.ParamName);
        new ModelOptions { VocabularySize = -5 }.ValidateShape(); // ignored: the tokenizer's replaces it
    }

    [TestMethod]
    [DataRow("VocabularySize", "0")]
    [DataRow("ModelDimension", "-8")]
    [DataRow("Heads", "0")]
    [DataRow("EncoderLayers", "-1")]
    [DataRow("DecoderLayers", "-2")]
    [DataRow("FeedForwardDimension", "0")]
    [DataRow("EmbeddingDropout", "1")]
    [DataRow("AttentionDropout", "-0.1")]
    [DataRow("ResidualDropout", "1.5")]
    [DataRow("FeedForwardDropout", "NaN")]
    [DataRow("MaxLength", "0")]
    [DataRow("LayerNormEpsilon", "0")]
    [DataRow("PaddingId", "100")]
    [DataRow("Activation", "7")]
    [DataRow("PositionalEncoding", "9")]
    [DataRow("NormPlacement", "5")]
    public void EachInvalidOptionIsNamedWithItsValue(string option, string value)
    {
        var options = With(option, value);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => options.Validate());
        StringAssert.Contains(e.Message, $"{option} must be ");
        StringAssert.Contains(e.Message, $"; found {value}.");
        Assert.AreEqual(option, e.ParamName);
    }

    [TestMethod]
    public void DimensionNotDivisibleByHeads()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => (Valid with { ModelDimension = 250, Heads = 4 }).Validate());
        StringAssert.Contains(e.Message, "ModelDimension (250) must be divisible by Heads (4)");
    }

    [TestMethod]
    public void NoLayersAtAll()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => (Valid with { EncoderLayers = 0, DecoderLayers = 0 }).Validate());
        StringAssert.Contains(e.Message, "EncoderLayers (0) and DecoderLayers (0) must not both be 0");
    }

    [TestMethod]
    public void JsonRoundTripKeepsEveryOption()
    {
        var options = Valid with
        {
            ModelDimension = 48, Heads = 6, EncoderLayers = 0, DecoderLayers = 5, Activation = Activation.Gelu,
            PositionalEncoding = PositionalEncoding.Learned, NormPlacement = NormPlacement.PostNorm, TieEmbeddings = true,
            AttentionDropout = 0.25, LayerNormEpsilon = 1e-6, ScaleEmbeddings = false, PaddingId = 3, MaxLength = 77,
        };
        string json = options.ToJson();
        StringAssert.Contains(json, "\"Activation\": \"Gelu\"");
        Assert.AreEqual(options, ModelOptions.FromJson(json));
    }

    [TestMethod]
    public void JsonMissingOptionsTakeDefaultsAndUnknownNamesFail()
    {
        Assert.AreEqual(Valid, ModelOptions.FromJson("{\"VocabularySize\": 100}"));
        Assert.ThrowsExactly<JsonException>(() => ModelOptions.FromJson("{\"VocabularySize\": 100, \"Hedas\": 2}"));
        Assert.ThrowsExactly<ArgumentException>(() => ModelOptions.FromJson("{\"VocabularySize\": 100, \"Heads\": 3}"));
    }

    // Sets one option from its text form, whatever its type.
    private static ModelOptions With(string option, string text)
    {
        var property = typeof(ModelOptions).GetProperty(option)!;
        var type = property.PropertyType;
        object value = type.IsEnum ? Enum.ToObject(type, int.Parse(text, System.Globalization.CultureInfo.InvariantCulture))
            : Convert.ChangeType(text, type, System.Globalization.CultureInfo.InvariantCulture);
        var copy = Valid with { };
        property.SetValue(copy, value);
        return copy;
    }
}
