using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// What the trainers that put a head on an encoder (classifier, regressor) share before training: the checks of
/// their common options and the network to start from, a copy of a pretrained one or a new encoder.
/// </summary>
internal static class EncoderStart
{
    /// <summary>The options every encoder-with-a-head trainer has, gathered so one check serves them all.</summary>
    public sealed record Common(
        string TextColumn,
        string LabelColumn,
        int ScoringBatchSize,
        double HeadDropout,
        int FreezeLayers,
        ITransformer? BaseModel,
        string? BaseModelPath,
        TokenizerOptions Tokenizer,
        TrainingOptions Training,
        ModelOptions? Model);

    /// <summary>Throws naming the first option out of its range; a null <see cref="Common.Model"/> is not checked here.</summary>
    public static void Validate(Common options)
    {
        OptionChecks.NotNull(("Tokenizer", options.Tokenizer), ("Training", options.Training)); // a null Model is chosen from the data
        if (string.IsNullOrWhiteSpace(options.TextColumn))
            throw new ArgumentException("TextColumnName must name a text column.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.LabelColumn))
            throw new ArgumentException("LabelColumnName must name the label column.", nameof(options));
        if (options.ScoringBatchSize < 1 || options.ScoringBatchSize > OptionChecks.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"ScoringBatchSize ({options.ScoringBatchSize}) must be between 1 and {OptionChecks.MaxBatchSize:N0}.");
        if (!(options.HeadDropout >= 0 && options.HeadDropout < 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"HeadDropout ({options.HeadDropout}) must be in [0, 1).");
        if (options.FreezeLayers < 0 || options.FreezeLayers > ModelOptions.MaxLayers)
            throw new ArgumentOutOfRangeException(nameof(options), $"FreezeLayers ({options.FreezeLayers}) must be between 0 and {ModelOptions.MaxLayers:N0}.");
        if (options.BaseModel is not null && options.BaseModelPath is not null)
            throw new ArgumentException("Set BaseModel or BaseModelPath, not both.", nameof(options));
        options.Tokenizer.Validate();
        options.Training.Validate();
        if (options.BaseModel is null && options.BaseModelPath is null && options.Model is not null)
            (options.Model with { VocabularySize = Math.Max(options.Model.VocabularySize, 8) }).Validate();
    }

    /// <summary>
    /// The network and tokenizer to start from: a copy of the pretrained one when the options name one, else a new
    /// tokenizer learned on <paramref name="texts"/> and a new encoder-only network of the options' shape.
    /// </summary>
    public static (EncoderDecoderModel Body, TextTokenizer Tokenizer) Network(IHostEnvironment host, Common options,
        Func<IEnumerable<string>> texts, Device device, Action<string> log)
    {
        var source = PretrainedSource.Resolve(host, options.BaseModel, options.BaseModelPath);
        if (source is not null)
        {
            PretrainedVocabulary.Check(source.Tokenizer, options.Tokenizer, options.Model);
            log($"Starting from a pretrained network ({source.Network.ParameterCount:N0} parameters).");
            return (PretrainedSource.Copy(source.Network, device), source.Tokenizer);
        }
        var shape = options.Model ?? throw new ArgumentNullException(nameof(options), "Model must be set when training from scratch.");
        var tokenizer = TextTokenizer.Create(options.Tokenizer, texts());
        var modelOptions = shape with
        {
            VocabularySize = tokenizer.VocabularySize,
            DecoderLayers = 0,
            EncoderLayers = Math.Max(1, shape.EncoderLayers),
            MaxLength = Math.Max(shape.MaxLength, options.Tokenizer.MaxLength),
        };
        return (new EncoderDecoderModel(modelOptions, device), tokenizer);
    }

    /// <summary>Applies the fine-tuning freezes the options ask for.</summary>
    public static void Freeze(EncoderDecoderModel body, bool embeddings, int layers)
    {
        if (embeddings) body.FreezeEmbeddings();
        if (layers > 0) body.FreezeLowestLayers(layers);
    }
}
