using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet.Embeddings;

/// <summary>
/// Builds a <see cref="TextEmbeddingTransformer"/> from a fitted model's network. Nothing is learned: <c>Fit</c> checks
/// the input column and copies the network. Created through <c>Transforms.Text.TransformerEmbeddings</c>.
/// </summary>
public sealed class TextEmbeddingEstimator : IEstimator<TextEmbeddingTransformer>
{
    private readonly IHost _host;
    private readonly TextEmbeddingOptions _options;

    internal TextEmbeddingEstimator(IHostEnvironment env, TextEmbeddingOptions options)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(TextEmbeddingEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>The input schema plus the vector column (its size is the network's width, known once fitted).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.InputColumnName);
        return ScoringSchema.With(inputSchema, [new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false)]);
    }

    /// <summary>Checks that <paramref name="input"/> has the text column and builds the transformer; reads no rows.</summary>
    public TextEmbeddingTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        ScoringSchema.CheckTextColumn(input.Schema, _options.InputColumnName);
        var source = PretrainedSource.Resolve(_host, _options.BaseModel, _options.BaseModelPath)!;
        using var channel = _host.Start("Embeddings");
        var device = TorchDevice.Resolve(_options.Device, _options.AllowCpuFallback, channel.Warning, channel.Info);
        var network = PretrainedSource.Copy(source.Network, device);
        var layout = source.InputLayout == BatchLayout.Seq2Seq ? BatchLayout.Seq2Seq : BatchLayout.Single;
        var settings = new EmbeddingSettings(_options.InputColumnName, _options.OutputColumnName, layout,
            Math.Min(_options.MaxLength, network.Options.MaxLength), _options.Truncation,
            network.HasEncoder ? _options.Pooling : Pooling.LastToken, _options.Normalize, _options.BatchSize, _options.Device);
        channel.Info($"Embedding '{settings.InputColumn}' into '{settings.OutputColumn}' ({network.Options.ModelDimension} values, " +
            $"{settings.Pooling} pooling{(settings.Normalize ? ", unit length" : "")}) with a {network.ParameterCount:N0}-parameter network on {device.type}.");
        return new TextEmbeddingTransformer(_host, network, source.Tokenizer, settings);
    }
}
