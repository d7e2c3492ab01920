using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet.Attention;

/// <summary>
/// Builds an <see cref="AttentionWeightsTransformer"/> from a fitted model's network: <c>Fit</c> checks the columns
/// and the requested kind, layers and heads against the network, and copies it. Nothing is learned. Created through
/// <c>Transforms.Text.TransformerAttentionWeights</c>.
/// </summary>
public sealed class AttentionWeightsEstimator : TextEstimatorBase<AttentionWeightsOptions, AttentionWeightsTransformer>
{
    internal AttentionWeightsEstimator(IHostEnvironment env, AttentionWeightsOptions options)
        : base(env, options, o => o.Validate())
    {
    }

    /// <summary>The input schema plus the weights column and the two token columns (variable-length vectors).</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.InputColumnName);
        if (Options.TargetColumnName is { } target)
            ScoringSchema.CheckTextColumn(inputSchema, target);
        var variable = SchemaShape.Column.VectorKind.VariableVector;
        return
        [
            new(Options.OutputColumnName, variable, NumberDataViewType.Single, false),
            new(Options.OutputColumnName + "QueryTokens", variable, TextDataViewType.Instance, false),
            new(Options.OutputColumnName + "KeyTokens", variable, TextDataViewType.Instance, false),
        ];
    }

    /// <summary>Checks <paramref name="input"/>'s columns and the request against the network; reads no rows.</summary>
    private protected override AttentionWeightsTransformer FitChecked(IDataView input)
    {
        ScoringSchema.CheckTextColumn(input.Schema, Options.InputColumnName);
        if (Options.TargetColumnName is { } target)
            ScoringSchema.CheckTextColumn(input.Schema, target);
        var source = PretrainedSource.Resolve(Host, Options.BaseModel, Options.BaseModelPath)!;
        var kind = CheckKind(source.Network);
        int layerCount = kind == AttentionKind.EncoderSelf ? source.Network.Options.EncoderLayers : source.Network.Options.DecoderLayers;
        int[] layers = Check(Options.Layers, layerCount, "Layers", "layer");
        int[] heads = Check(Options.Heads, source.Network.Options.Heads, "Heads", "head");

        using var channel = Host.Start("Attention");
        var device = NetworkStart.Resolve(Options, channel);
        var network = PretrainedSource.Copy(source.Network, device);
        var settings = new AttentionSettings(Options.InputColumnName, Options.TargetColumnName, Options.OutputColumnName, kind, layers, heads,
            Options.Rollout, source.InputLayout == BatchLayout.Seq2Seq ? BatchLayout.Seq2Seq : BatchLayout.Single,
            PositionTableFit.CapInput(Options.MaxLength, network.Options), Options.TruncationSide, Options.ScoringBatchSize, Options.Device);
        return new AttentionWeightsTransformer(Host, network, source.Tokenizer, settings);
    }

    private AttentionKind CheckKind(TextNetwork network)
    {
        var kind = Options.Kind ?? (network.HasEncoder ? AttentionKind.EncoderSelf : AttentionKind.DecoderSelf);
        bool encoderDecoder = network.HasEncoder && network.HasDecoder;
        string? problem = kind switch
        {
            AttentionKind.EncoderSelf when !network.HasEncoder => "this network has no encoder",
            AttentionKind.DecoderSelf when !network.HasDecoder => "this network has no decoder",
            AttentionKind.Cross when !encoderDecoder => "cross-attention needs an encoder-decoder network",
            AttentionKind.DecoderSelf or AttentionKind.Cross when encoderDecoder && Options.TargetColumnName is null =>
                "an encoder-decoder network's decoder reads a target: set TargetColumnName",
            _ when !encoderDecoder && Options.TargetColumnName is not null => "only an encoder-decoder network reads a target: leave TargetColumnName unset",
            _ => null,
        };
        if (problem is not null)
            throw new ArgumentException($"Cannot export {kind} attention: {problem}.");
        if (Options.Rollout && kind == AttentionKind.Cross)
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
