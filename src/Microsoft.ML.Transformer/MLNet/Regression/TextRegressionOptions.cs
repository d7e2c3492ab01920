using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.MLNet.Regression;

/// <summary>
/// Everything a Transformer text regressor can be told: one text, or a pair of texts (sentence similarity, relevance
/// of a passage to a query), scored as one number. The label column holds a finite <c>Single</c> a row; the validation
/// metric is the mean squared error. The options it shares with the other heads on an encoder, and their defaults,
/// are <see cref="EncoderHeadOptions"/>'s.
/// </summary>
public sealed class TextRegressionOptions : EncoderHeadOptions
{
    /// <summary>
    /// An optional second text column: the two texts are read as one pair, <c>[CLS] a [SEP] b [SEP]</c>, as the
    /// classifier reads its pairs (the tokenizer's MaxLength counts both texts together). Default none (one text).
    /// </summary>
    public string? SecondTextColumnName { get; set; }

    /// <summary>How hidden states become one vector per row. Default <see cref="Pooling.Mean"/>.</summary>
    public Pooling Pooling { get; set; } = ComponentDefaults.Pooling;

    internal override void Validate()
    {
        base.Validate();
        if (SecondTextColumnName is { } second)
            Require.Name(second, nameof(SecondTextColumnName), "a text column, or be null for one text");
    }
}
