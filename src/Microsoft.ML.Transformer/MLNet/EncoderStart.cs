using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// What every trainer that puts a head on an encoder (classifier, regressor, entity tagger, question answerer) does
/// before its own training, in one order: the device, the seed, the network to start from — a copy of a pretrained
/// one, or a new tokenizer and encoder — the fine-tuning freezes, and the input length the two agree on.
/// </summary>
/// <param name="Device">Where the network trains.</param>
/// <param name="Body">The encoder the head goes on.</param>
/// <param name="Tokenizer">Its tokenizer.</param>
/// <param name="MaxLength">The most tokens one input holds: the tokenizer's budget within the network's position table.</param>
/// <param name="Log">The training channel's log.</param>
internal sealed record EncoderStart(Device Device, TextNetwork Body, TextTokenizer Tokenizer, int MaxLength, Action<string> Log)
{
    /// <summary>
    /// What a trainer may choose from the data before a new network exists; a trainer that chooses nothing takes its
    /// options as they are (<see cref="AsGiven"/>).
    /// </summary>
    /// <param name="Tokenizer">The tokenizer options a new tokenizer is learned with.</param>
    /// <param name="MaxLength">The most tokens per input, given the tokenizer (new or pretrained).</param>
    /// <param name="Shape">A new network's shape, given that length (its vocabulary comes from the tokenizer).</param>
    public sealed record Choices(Func<TokenizerOptions, TokenizerOptions> Tokenizer, Func<TextTokenizer, int> MaxLength, Func<int, ModelOptions> Shape)
    {
        /// <summary>The options' own tokenizer, maximum length and network shape.</summary>
        public static Choices AsGiven(EncoderHeadOptions options) => new(tokenizer => tokenizer, _ => options.Tokenizer.MaxLength,
            _ => options.Model ?? throw new ArgumentNullException(nameof(options), "Model must be set when training from scratch."));
    }

    /// <summary>
    /// Resolves the device, seeds the initial weights, starts from the pretrained network the options name or else a
    /// new tokenizer learned on <paramref name="texts"/> and a new encoder, and applies the freezes.
    /// </summary>
    /// <param name="host">The trainer's host (a base model path is loaded through it).</param>
    /// <param name="options">The trainer's options.</param>
    /// <param name="channel">The training channel: information and warnings.</param>
    /// <param name="texts">The training texts a new tokenizer is learned from.</param>
    /// <param name="choices">What the trainer chooses from the data; default <see cref="Choices.AsGiven"/>.</param>
    public static EncoderStart Begin(IHost host, EncoderHeadOptions options, IChannel channel, Func<IEnumerable<string>> texts,
        Choices? choices = null)
    {
        Action<string> log = channel.Info;
        var device = NetworkStart.Begin(options, options.Training, channel);
        var (body, tokenizer, maxLength) = Network(host, options, texts, device, log, choices ?? Choices.AsGiven(options));
        NetworkStart.Freeze(body, options);
        return new EncoderStart(device, body, tokenizer, PositionTableFit.CapInput(maxLength, body.Options), log);
    }

    /// <summary>Logs what is trained: <paramref name="what"/> ("Training a Transformer regressor: "), then the network's size and device.</summary>
    public void Describe(string what) =>
        Log($"{what}{Body.ParameterCount:N0} parameters, vocabulary {Tokenizer.VocabularySize:N0}, on {Device.type}.");

    /// <summary>A copy of the options' training settings whose best validation metric is the highest (F1, accuracy).</summary>
    public static TrainingOptions MaximizingMetric(TrainingOptions training)
    {
        var copy = training.Copy();
        copy.HigherMetricIsBetter = true;
        return copy;
    }

    private static (TextNetwork Body, TextTokenizer Tokenizer, int MaxLength) Network(IHostEnvironment host, EncoderHeadOptions options,
        Func<IEnumerable<string>> texts, Device device, Action<string> log, Choices choices)
    {
        var source = PretrainedSource.Resolve(host, options, options.Tokenizer, options.Model);
        if (source is not null)
        {
            log($"Starting from a pretrained network ({source.Network.ParameterCount:N0} parameters).");
            return (PretrainedSource.Copy(source.Network, device), source.Tokenizer, choices.MaxLength(source.Tokenizer));
        }
        var tokenizer = TextTokenizer.Create(choices.Tokenizer(options.Tokenizer), texts());
        int maxLength = choices.MaxLength(tokenizer);
        var shape = choices.Shape(maxLength);
        var modelOptions = shape with
        {
            VocabularySize = tokenizer.VocabularySize,
            DecoderLayers = 0,
            EncoderLayers = Math.Max(1, shape.EncoderLayers),
            MaxLength = PositionTableFit.RaiseTable(shape.MaxLength, maxLength),
        };
        return (new TextNetwork(modelOptions, device), tokenizer, maxLength);
    }
}
