
namespace Microsoft.ML.Transformer.MLNet.TokenIds;

/// <summary>
/// Everything the token-id transform can be told. The simple catalog overload sets the model folder and the text
/// column; this class holds every option, each default defined here, once.
/// </summary>
public sealed class TokenIdsOptions
{
    /// <summary>The default name of the token-id column, the input name of an exported ONNX graph.</summary>
    public const string DefaultTokenIdsColumnName = "input_ids";

    /// <summary>The default name of the attention-mask column, the input name of an exported ONNX graph.</summary>
    public const string DefaultAttentionMaskColumnName = "attention_mask";

    /// <summary>The default name of the n-gram bucket-id column, the input name of a wide-and-deep classifier's ONNX graph.</summary>
    public const string DefaultNgramIdsColumnName = "ngram_ids";

    /// <summary>The default name of the n-gram weight column, the input name of a wide-and-deep classifier's ONNX graph.</summary>
    public const string DefaultNgramWeightsColumnName = "ngram_weights";

    /// <summary>
    /// The model folder (written by <c>ModelFolder.Export</c>) of a text classifier or an embedding
    /// transform: its tokenizer, text layout, maximum length and truncation side are used. Required.
    /// </summary>
    public string? ModelFolder { get; set; }

    /// <summary>The text column to read. Default: the text column the folder's component was fitted on.</summary>
    public string? TextColumnName { get; set; }

    /// <summary>
    /// The second text column of a sentence-pair classifier (<c>[CLS] a [SEP] b [SEP]</c>). Default: the folder's
    /// second column; a folder of a one-text component reads one column only.
    /// </summary>
    public string? SecondTextColumnName { get; set; }

    /// <summary>The added column of token ids, a variable-length vector of <c>Int64</c>. Default <see cref="DefaultTokenIdsColumnName"/>.</summary>
    public string TokenIdsColumnName { get; set; } = DefaultTokenIdsColumnName;

    /// <summary>The added attention mask, a vector of <c>Int64</c> ones as long as the ids. Default <see cref="DefaultAttentionMaskColumnName"/>.</summary>
    public string AttentionMaskColumnName { get; set; } = DefaultAttentionMaskColumnName;

    /// <summary>
    /// The added column of the text's hashed n-gram bucket ids, a variable-length vector of <c>Int64</c>, written only
    /// for a classifier that reads n-grams beside the network (its <c>Ngrams</c> option). Default <see cref="DefaultNgramIdsColumnName"/>.
    /// </summary>
    public string NgramIdsColumnName { get; set; } = DefaultNgramIdsColumnName;

    /// <summary>The added weights of those bucket ids, a vector of <c>Single</c> as long as the ids. Default <see cref="DefaultNgramWeightsColumnName"/>.</summary>
    public string NgramWeightsColumnName { get; set; } = DefaultNgramWeightsColumnName;

    /// <summary>Rows tokenized together by <c>Transform</c>, 1 to 65,536. Default 64.</summary>
    public int ScoringBatchSize { get; set; } = ComponentDefaults.ScoringBatchSize;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelFolder))
            throw new ArgumentException("ModelFolder must name a model folder (written by ModelFolder.Export); found none.", nameof(ModelFolder));
        Require.Name(TokenIdsColumnName, nameof(TokenIdsColumnName), "an output column");
        Require.Name(AttentionMaskColumnName, nameof(AttentionMaskColumnName), "an output column");
        Require.Name(NgramIdsColumnName, nameof(NgramIdsColumnName), "an output column");
        Require.Name(NgramWeightsColumnName, nameof(NgramWeightsColumnName), "an output column");
        var names = new[] { (nameof(TokenIdsColumnName), TokenIdsColumnName), (nameof(AttentionMaskColumnName), AttentionMaskColumnName),
            (nameof(NgramIdsColumnName), NgramIdsColumnName), (nameof(NgramWeightsColumnName), NgramWeightsColumnName) };
        for (int i = 0; i < names.Length; i++)
            for (int j = 0; j < i; j++)
                if (names[i].Item2 == names[j].Item2)
                    throw new ArgumentException($"{names[j].Item1} and {names[i].Item1} are both '{names[i].Item2}'; they must differ.", names[i].Item1);
        OptionChecks.ScoringBatchSize(ScoringBatchSize);
    }
}
