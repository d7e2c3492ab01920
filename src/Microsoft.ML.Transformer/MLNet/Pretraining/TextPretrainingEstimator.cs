using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training.Objectives;
using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.Pretraining;

/// <summary>
/// Pretrains a Transformer on one column of unlabelled text: span corruption for an encoder-decoder, causal language
/// modelling for a decoder-only model, masked language modelling for an encoder-only one. Created through
/// <c>mlContext.Transforms.Text.TransformerPretrainer</c>.
/// </summary>
public sealed class TextPretrainingEstimator : TextEstimatorBase<TextPretrainingOptions, TextPretrainingTransformer>
{
    private readonly PretrainingObjective _objective;
    private readonly ModelOptions _shape;

    internal TextPretrainingEstimator(IHostEnvironment env, TextPretrainingOptions options)
        : base(env, options, o => o.Validate())
    {
        (_objective, _shape) = Resolve(options);
        SentinelCount(); // refuses too few sentinels now rather than at Fit
    }

    /// <summary>The objective <c>Fit</c> will train (Auto resolved by the model's shape).</summary>
    public PretrainingObjective Objective => _objective;

    /// <summary>Checks the text column and adds the loss and perplexity columns.</summary>
    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape inputSchema)
    {
        ScoringSchema.CheckTextColumn(inputSchema, Options.TextColumnName);
        return new[] { Options.LossColumnName, Options.PerplexityColumnName }
            .Select(name => new SchemaShape.Column(name, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false));
    }

    /// <summary>Pretrains on the texts of <paramref name="input"/> (resuming from a checkpoint when there is one).</summary>
    private protected override TextPretrainingTransformer FitChecked(IDataView input)
    {
        using var channel = Host.Start("Pretraining");
        Action<string> log = channel.Info;
        var device = NetworkStart.Begin(Options, Options.Training, channel);
        var tokenizerOptions = Options.Tokenizer;
        var reader = new RowReader(input, Options.TextColumnName, emptyText: tokenizerOptions.EmptyText, log: log);

        var tokenizer = TextTokenizer.Create(tokenizerOptions.WithSentinelCount(SentinelCount()), reader.Read().Select(r => r.Text));
        var settings = new PretrainingSettings(Options.TextColumnName, Options.LossColumnName, Options.PerplexityColumnName,
            new ObjectiveSettings(_objective, tokenizerOptions.MaxLength, Options.NoiseDensity, Options.MeanSpanLength, Options.MaskProbability),
            Options.ScoringBatchSize);
        var objective = Training.Objectives.Objective.Create(tokenizer, settings.Objective);
        var corpus = CorpusSurvey.Take(reader, Options.TextColumnName, objective, log);

        var model = new TextNetwork(_shape with
        {
            VocabularySize = tokenizer.VocabularySize,
            MaxLength = Options.Model is null ? tokenizerOptions.MaxLength : PositionTableFit.RaiseTable(_shape.MaxLength, tokenizerOptions.MaxLength),
        }, device);
        log($"Pretraining a Transformer ({model.Options.EncoderLayers} encoder + {model.Options.DecoderLayers} decoder layers, " +
            $"{model.ParameterCount:N0} parameters, vocabulary {tokenizer.VocabularySize:N0}) with {_objective} on {device.type}.");

        var scorer = new PretrainingScorer(model, objective, settings);
        var validation = Options.ValidationSet is { } held ? new RowReader(held, Options.TextColumnName, emptyText: tokenizerOptions.EmptyText) : null;
        var (result, metrics) = new PretrainingTraining(model, objective, scorer, Options, corpus, log).Run(reader, validation);
        return new TextPretrainingTransformer(Host, model, tokenizer, settings) { TrainingHistory = result.History, ValidationMetrics = metrics };
    }

    /// <summary>Sentinels to reserve: span corruption needs one per span of the longest input; the others need none.</summary>
    private int SentinelCount()
    {
        int requested = Options.Tokenizer.SentinelCount;
        if (_objective != PretrainingObjective.SpanCorruption)
            return requested;
        int needed = SpanCorruption.SentinelsNeeded(Options.Tokenizer.MaxLength - 1, Options.NoiseDensity, Options.MeanSpanLength);
        if (requested == 0)
            return needed;
        if (requested < needed)
            throw new ArgumentOutOfRangeException(nameof(TokenizerOptions.SentinelCount),
                $"TokenizerOptions.SentinelCount ({requested}) is too small: span corruption of inputs of MaxLength {Options.Tokenizer.MaxLength} " +
                $"at NoiseDensity {Options.NoiseDensity} and MeanSpanLength {Options.MeanSpanLength} needs up to {needed} sentinels. " +
                "Leave it at 0 to reserve them automatically.");
        return requested;
    }

    /// <summary>The objective and the network shape: Auto follows the model's shape; an explicit objective must fit it.</summary>
    private static (PretrainingObjective, ModelOptions) Resolve(TextPretrainingOptions options)
    {
        var requested = options.Objective;
        if (options.Model is null)
        {
            var kind = requested == PretrainingObjective.Auto ? PretrainingObjective.SpanCorruption : requested;
            return (kind, TextPretrainingOptions.DefaultModel(kind));
        }
        var model = options.Model;
        var natural = model switch
        {
            { EncoderLayers: > 0, DecoderLayers: > 0 } => PretrainingObjective.SpanCorruption,
            { DecoderLayers: > 0 } => PretrainingObjective.CausalLanguageModel,
            _ => PretrainingObjective.MaskedLanguageModel,
        };
        if (requested != PretrainingObjective.Auto && requested != natural)
            throw new ArgumentException(
                $"Objective {requested} needs {Needs(requested)}, but Model has {model.EncoderLayers} encoder and {model.DecoderLayers} decoder layers. " +
                $"Leave Objective at Auto (which picks {natural} for this shape), change the model's layers, or leave Model null for a default shape.",
                nameof(options));
        return (requested == PretrainingObjective.Auto ? natural : requested, model);
    }

    private static string Needs(PretrainingObjective objective) => objective switch
    {
        PretrainingObjective.SpanCorruption => "an encoder-decoder (EncoderLayers > 0 and DecoderLayers > 0)",
        PretrainingObjective.CausalLanguageModel => "a decoder-only model (EncoderLayers 0)",
        _ => "an encoder-only model (DecoderLayers 0)",
    };
}
