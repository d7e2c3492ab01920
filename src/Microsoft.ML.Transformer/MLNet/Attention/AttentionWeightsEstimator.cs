using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet.Attention;

/// <summary>
/// Builds an <see cref="AttentionWeightsTransformer"/> from a fitted model's network: <c>Fit</c> checks the columns
/// and the requested kind, layers and heads against the network, and copies it. Nothing is learned. Created through
/// <c>Transforms.Text.AttentionWeights</c>.
/// </summary>
public sealed class AttentionWeightsEstimator : IEstimator<AttentionWeightsTransformer>
{
    private readonly IHost _host;
    private readonly AttentionWeightsOptions _options;

    internal AttentionWeightsEstimator(IHostEnvironment env, AttentionWeightsOptions options)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(AttentionWeightsEstimator));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
    }

    /// <summary>The input schema plus the weights column and the two token columns (variable-length vectors).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        ScoringSchema.CheckTextColumn(inputSchema, _options.InputColumnName);
        if (_options.TargetColumnName is { } target)
            ScoringSchema.CheckTextColumn(inputSchema, target);
        var variable = SchemaShape.Column.VectorKind.VariableVector;
        return ScoringSchema.With(inputSchema,
        [
            new(_options.OutputColumnName, variable, NumberDataViewType.Single, false),
            new(_options.OutputColumnName + "QueryTokens", variable, TextDataViewType.Instance, false),
            new(_options.OutputColumnName + "KeyTokens", variable, TextDataViewType.Instance, false),
        ]);
    }

    /// <summary>Checks <paramref name="input"/>'s columns and the request against the network; reads no rows.</summary>
    public AttentionWeightsTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        ScoringSchema.CheckTextColumn(input.Schema, _options.InputColumnName);
        if (_options.TargetColumnName is { } target)
            ScoringSchema.CheckTextColumn(input.Schema, target);
        var source = PretrainedSource.Resolve(_host, _options.BaseModel, _options.BaseModelPath)!;
        var kind = CheckKind(source.Network);
        int layerCount = kind == AttentionKind.EncoderSelf ? source.Network.Options.EncoderLayers : source.Network.Options.DecoderLayers;
        int[] layers = Check(_options.Layers, layerCount, "Layers", "layer");
        int[] heads = Check(_options.Heads, source.Network.Options.Heads, "Heads", "head");

        using var channel = _host.Start("Attention");
        var device = TorchDevice.Resolve(_options.Device, _options.AllowCpuFallback, channel.Warning, channel.Info);
        var network = PretrainedSource.Copy(source.Network, device);
        var settings = new AttentionSettings(_options.InputColumnName, _options.TargetColumnName, _options.OutputColumnName, kind, layers, heads,
            _options.Rollout, source.InputLayout == BatchLayout.Seq2Seq ? BatchLayout.Seq2Seq : BatchLayout.Single,
            Math.Min(_options.MaxLength, network.Options.MaxLength), _options.Truncation, _options.BatchSize, _options.Device);
        return new AttentionWeightsTransformer(_host, network, source.Tokenizer, settings);
    }

    private AttentionKind CheckKind(EncoderDecoderModel network)
    {
        var kind = _options.Kind ?? (network.HasEncoder ? AttentionKind.EncoderSelf : AttentionKind.DecoderSelf);
        bool encoderDecoder = network.HasEncoder && network.HasDecoder;
        string? problem = kind switch
        {
            AttentionKind.EncoderSelf when !network.HasEncoder => "this network has no encoder",
            AttentionKind.DecoderSelf when !network.HasDecoder => "this network has no decoder",
            AttentionKind.Cross when !encoderDecoder => "cross-attention needs an encoder-decoder network",
            AttentionKind.DecoderSelf or AttentionKind.Cross when encoderDecoder && _options.TargetColumnName is null =>
                "an encoder-decoder network's decoder reads a target: set TargetColumnName",
            _ when !encoderDecoder && _options.TargetColumnName is not null => "only an encoder-decoder network reads a target: leave TargetColumnName unset",
            _ => null,
        };
        if (problem is not null)
            throw new ArgumentException($"Cannot export {kind} attention: {problem}.");
        if (_options.Rollout && kind == AttentionKind.Cross)
            throw new ArgumentException("Rollout needs self-attention; cross-attention has different query and key tokens.");
        return kind;
    }

    private static int[] Check(int[]? requested, int count, string option, string what)
    {
        if (requested is null)
            return Enumerable.Range(0, count).ToArray();
        foreach (int i in requested)
            if (i < 0 || i >= count)
                throw new ArgumentOutOfRangeException(option, $"{option} names {what} {i}, but the network has {count} ({what}s 0 to {count - 1}).");
        return (int[])requested.Clone();
    }
}
