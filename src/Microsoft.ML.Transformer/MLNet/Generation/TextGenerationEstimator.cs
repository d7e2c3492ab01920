using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// Trains a Transformer text generator on (source, target) text pairs, from scratch or from a model of this library.
/// Created through <c>mlContext.Transforms.Text.TransformerTextGenerator</c>.
/// </summary>
public sealed class TextGenerationEstimator : TextEstimatorBase<TextGenerationOptions, TextGenerationTransformer>
{
    internal TextGenerationEstimator(IHostEnvironment env, TextGenerationOptions options)
        : base(env, options, o => o.Validate())
    {
    }

    /// <summary>Checks the source and target columns and describes the added columns.</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.SourceColumnName, "Source");
        ScoringSchema.CheckTextColumn(inputSchema, Options.TargetColumnName, "Target");
        var added = new List<SchemaShape.Column> { new(Options.OutputColumnName, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false) };
        if (Options.LogProbabilityColumnName is { } logProbability)
            added.Add(new(logProbability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false));
        return added;
    }

    /// <summary>Trains the generator on <paramref name="input"/>.</summary>
    private protected override TextGenerationTransformer FitChecked(IDataView input)
    {
        using var channel = Host.Start("Training");
        Action<string> log = channel.Info;
        var device = NetworkStart.Begin(Options, Options.Training, channel);

        var reader = new RowReader(input, Options.SourceColumnName, Options.TargetColumnName, emptyText: Options.Tokenizer.EmptyText, log: log);
        var validation = Options.ValidationSet is { } v
            ? new RowReader(v, Options.SourceColumnName, Options.TargetColumnName, emptyText: Options.Tokenizer.EmptyText)
            : null;
        var (network, tokenizer) = StartingNetwork(reader, device, log);
        var settings = Settings(network.Options);
        new NetworkGenerator(network, tokenizer, settings.SourceMaxLength, settings.Truncation).Validate(Options.Decoding);
        NetworkStart.Freeze(network, Options);

        log($"Training a {(network.HasEncoder ? "encoder-decoder" : "decoder-only")} Transformer text generator: " +
            $"{network.ParameterCount:N0} parameters, vocabulary {tokenizer.VocabularySize:N0}, on {device.type}.");
        var result = new GeneratorTraining(network, tokenizer, settings, Options, log).Run(reader, validation);
        return new TextGenerationTransformer(Host, network, tokenizer, settings, Options.Decoding) { TrainingHistory = result.History };
    }

    /// <summary>Source and target budgets that the network's MaxLength can hold (a decoder-only model holds both in one row).</summary>
    private GeneratorSettings Settings(ModelOptions network)
    {
        int source = Options.Tokenizer.MaxLength, target = Options.TargetMaxLength ?? Options.Tokenizer.MaxLength;
        if (network.EncoderLayers > 0)
            (source, target) = (PositionTableFit.CapInput(source, network), PositionTableFit.CapInput(target, network));
        else if (source + target > network.MaxLength)
            throw new ArgumentException(
                $"A decoder-only model holds the prompt and the continuation in one row: Tokenizer.MaxLength ({source}) + " +
                $"TargetMaxLength ({target}) must not exceed the network's MaxLength ({network.MaxLength}).", nameof(Options.TargetMaxLength));
        return new GeneratorSettings(Options.SourceColumnName, Options.TargetColumnName, Options.OutputColumnName,
            Options.LogProbabilityColumnName, source, target, Options.Tokenizer.TruncationSide, Options.ScoringBatchSize);
    }

    /// <summary>The network and tokenizer to start from: a copy of a base model's, or new ones.</summary>
    private (TextNetwork Network, TextTokenizer Tokenizer) StartingNetwork(RowReader reader, Device device, Action<string> log)
    {
        var source = PretrainedSource.Resolve(Host, Options.BaseModel, Options.BaseModelPath);
        if (source is not null)
        {
            if (!source.Network.HasDecoder)
                throw new ArgumentException("The base model's network has no decoder (DecoderLayers is 0): it cannot generate text. " +
                    "Start from an encoder-decoder or decoder-only model.", nameof(Options.BaseModel));
            PretrainedVocabulary.Check(source.Tokenizer, Options.Tokenizer, Options.Model);
            log($"Starting from a pretrained network ({source.Network.ParameterCount:N0} parameters).");
            return (PretrainedSource.Copy(source.Network, device), source.Tokenizer);
        }
        var texts = reader.Read().SelectMany(r => new[] { r.Text, r.Second! });
        var tokenizer = TextTokenizer.Create(Options.Tokenizer, texts);
        var modelOptions = Options.Model with { VocabularySize = tokenizer.VocabularySize, MaxLength = Options.ScratchMaxLength() };
        return (new TextNetwork(modelOptions, device), tokenizer);
    }
}
