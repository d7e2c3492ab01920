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
public sealed class TextEmbeddingEstimator : TextEstimatorBase<TextEmbeddingOptions, TextEmbeddingTransformer>
{
    internal TextEmbeddingEstimator(IHostEnvironment env, TextEmbeddingOptions options)
        : base(env, options, o => o.Validate())
    {
    }

    /// <summary>The input schema plus the vector column (its size is the network's width, known once fitted).</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.InputColumnName);
        return [new SchemaShape.Column(Options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false)];
    }

    /// <summary>Checks that <paramref name="input"/> has the text column and builds the transformer; reads no rows.</summary>
    private protected override TextEmbeddingTransformer FitChecked(IDataView input)
    {
        ScoringSchema.CheckTextColumn(input.Schema, Options.InputColumnName);
        var source = PretrainedSource.Resolve(Host, Options.BaseModel, Options.BaseModelPath)!;
        using var channel = Host.Start("Embeddings");
        var device = NetworkStart.Resolve(Options, channel);
        var network = PretrainedSource.Copy(source.Network, device);
        var layout = source.InputLayout == BatchLayout.Seq2Seq ? BatchLayout.Seq2Seq : BatchLayout.Single;
        var settings = new EmbeddingSettings(Options.InputColumnName, Options.OutputColumnName, layout,
            PositionTableFit.CapInput(Options.MaxLength, network.Options), Options.TruncationSide,
            network.HasEncoder ? Options.Pooling : Pooling.LastToken, Options.Normalize, Options.ScoringBatchSize, Options.Device);
        channel.Info($"Embedding '{settings.InputColumn}' into '{settings.OutputColumn}' ({network.Options.ModelDimension} values, " +
            $"{settings.Pooling} pooling{(settings.Normalize ? ", unit length" : "")}) with a {network.ParameterCount:N0}-parameter network on {device.type}.");
        return new TextEmbeddingTransformer(Host, network, source.Tokenizer, settings);
    }
}
