using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet.TokenIds;

/// <summary>
/// Builds a <see cref="TokenIdsTransformer"/> from a model folder's tokenizer and settings. Nothing is learned:
/// <c>Fit</c> checks the text columns. Created through <c>Transforms.Text.TransformerTokenIds</c>.
/// </summary>
public sealed class TokenIdsEstimator : TextEstimatorBase<TokenIdsOptions, TokenIdsTransformer>
{
    private readonly TextTokenizer _tokenizer;
    private readonly TokenIdsSettings _settings;

    internal TokenIdsEstimator(IHostEnvironment env, TokenIdsOptions options)
        : base(env, options, o => o.Validate())
    {
        (_tokenizer, _settings) = TokenIdsSettings.FromFolder(options.ModelFolder!, options);
    }

    /// <summary>
    /// The columns the transform adds, in the order an exported ONNX graph takes them as inputs: the token ids and the
    /// attention mask, then for a wide-and-deep classifier the n-gram ids and weights. Pass them to <c>ApplyOnnxModel</c>.
    /// </summary>
    public IReadOnlyList<string> OutputColumnNames => _settings.OutputColumns;

    /// <summary>
    /// The input schema plus the token-id and attention-mask columns (variable-length vectors of <c>Int64</c>), and for a
    /// wide-and-deep classifier the n-gram ids (<c>Int64</c>) and weights (<c>Single</c>), variable-length vectors too.
    /// </summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        foreach (string column in _settings.InputColumns)
            ScoringSchema.CheckTextColumn(inputSchema, column);
        return _settings.OutputColumns.Select(name => new SchemaShape.Column(name, SchemaShape.Column.VectorKind.VariableVector,
            name == _settings.NgramWeightsColumn && _settings.Ngrams is not null ? NumberDataViewType.Single : NumberDataViewType.Int64, false));
    }

    /// <summary>Checks that <paramref name="input"/> has the text columns and builds the transformer; reads no rows.</summary>
    private protected override TokenIdsTransformer FitChecked(IDataView input)
    {
        foreach (string column in _settings.InputColumns)
            ScoringSchema.CheckTextColumn(input.Schema, column);
        return new TokenIdsTransformer(Host, _tokenizer, _settings);
    }
}
