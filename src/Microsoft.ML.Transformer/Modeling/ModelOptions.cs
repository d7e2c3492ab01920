using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// The shape of a Transformer network. Zero <see cref="EncoderLayers"/> gives a decoder-only model (GPT), zero
/// <see cref="DecoderLayers"/> an encoder-only model (BERT); both non-zero give the encoder-decoder of
/// "Attention Is All You Need". Every default is defined here, once; the defaults describe a small
/// encoder-decoder (the reference configuration of the benchmark, except for pre-norm).
/// </summary>
public sealed record ModelOptions
{
    /// <summary>The largest size any option here accepts (a width, a length, a vocabulary): 1,048,576.</summary>
    public const int MaxSize = SizeLimits.MaxSize;

    /// <summary>The most encoder or decoder layers accepted: 1,000.</summary>
    public const int MaxLayers = 1000;

    /// <summary>
    /// Number of token ids (the tokenizer's vocabulary size). Default 0: the trainers set it from their tokenizer, so
    /// their options leave it out; a network built directly needs it.
    /// </summary>
    public int VocabularySize { get; init; }

    /// <summary>Width of every hidden vector, d_model. Default 256.</summary>
    public int ModelDimension { get; init; } = 256;

    /// <summary>Number of attention heads; must divide <see cref="ModelDimension"/>. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Number of encoder layers; 0 makes a decoder-only model. Default 3.</summary>
    public int EncoderLayers { get; init; } = 3;

    /// <summary>Number of decoder layers; 0 makes an encoder-only model. Default 3.</summary>
    public int DecoderLayers { get; init; } = 3;

    /// <summary>Inner width of each feed-forward block. Default 1024 (4 × the default width).</summary>
    public int FeedForwardDimension { get; init; } = 1024;

    /// <summary>Non-linearity of the feed-forward blocks. Default <see cref="Modeling.Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Dropout on the sum of token and position embeddings. Default 0.1.</summary>
    public double EmbeddingDropout { get; init; } = 0.1;

    /// <summary>Dropout on the attention probabilities. Default 0.1.</summary>
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>Dropout on each sub-block's output before it joins the residual stream. Default 0.1.</summary>
    public double ResidualDropout { get; init; } = 0.1;

    /// <summary>Dropout between the two projections of each feed-forward block (as PyTorch's nn.Transformer). Default 0.1.</summary>
    public double FeedForwardDropout { get; init; } = 0.1;

    /// <summary>Longest sequence (in tokens) the position table covers, for sources and targets. Default 512.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>
    /// Whether sequences longer than <see cref="MaxLength"/> are accepted. False (default) refuses them with an error:
    /// the model never saw such positions. True is allowed only with a positional encoding that extrapolates
    /// (<see cref="Modeling.PositionalEncoding.Sinusoidal"/> and <see cref="Modeling.PositionalEncoding.Rotary"/>, whose
    /// formulas hold for any position, or <see cref="Modeling.PositionalEncoding.None"/>); <see cref="Modeling.PositionalEncoding.Learned"/> has no
    /// vector beyond its table.
    /// </summary>
    public bool AllowLengthExtrapolation { get; init; }

    /// <summary>Which attention mixes positions; see <see cref="AttentionVariant"/>. Default <see cref="AttentionVariant.Full"/>.</summary>
    public AttentionVariant Attention { get; init; } = AttentionVariant.Full;

    /// <summary>
    /// With <see cref="AttentionVariant.SlidingWindow"/>: how far (in positions) a query sees on each side
    /// (decoders: only backwards); a window ≥ the sequence length is full attention. Default 128.
    /// </summary>
    public int AttentionWindow { get; init; } = 128;

    /// <summary>
    /// With <see cref="AttentionVariant.SlidingWindow"/>: the number of leading positions (e.g. the classification
    /// token) that see every position and are seen by every position. Default 1.
    /// </summary>
    public int GlobalTokens { get; init; } = 1;

    /// <summary>How positions are encoded. Default <see cref="Modeling.PositionalEncoding.Sinusoidal"/>.</summary>
    public PositionalEncoding PositionalEncoding { get; init; } = PositionalEncoding.Sinusoidal;

    /// <summary>Where the layer norms sit. Default <see cref="Modeling.NormPlacement.PreNorm"/>.</summary>
    public NormPlacement NormPlacement { get; init; } = NormPlacement.PreNorm;

    /// <summary>
    /// When true, one matrix serves as source embedding, target embedding and output projection (the paper's shared
    /// vocabulary; GPT-2); the output head then has no bias. When false each has its own, and the head has a bias.
    /// Default false.
    /// </summary>
    public bool TieEmbeddings { get; init; }

    /// <summary>Epsilon added to the variance in every layer norm. Default 1e-5.</summary>
    public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary>Multiply token embeddings by sqrt(<see cref="ModelDimension"/>), as the paper does. Default true.</summary>
    public bool ScaleEmbeddings { get; init; } = true;

    /// <summary>The id of the padding token, ignored by losses. Default 0.</summary>
    public int PaddingId { get; init; }

    /// <summary>Width of one attention head: <see cref="ModelDimension"/> / <see cref="Heads"/>.</summary>
    [JsonIgnore]
    public int HeadDimension => Heads > 0 ? ModelDimension / Heads : 0;

    /// <summary>
    /// Checks every option and throws at the first wrong one, naming the option, what was expected and what was found.
    /// </summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    /// <exception cref="ArgumentException">Options contradict each other.</exception>
    public ModelOptions Validate()
    {
        Positive(VocabularySize, nameof(VocabularySize));
        Positive(ModelDimension, nameof(ModelDimension));
        Positive(Heads, nameof(Heads));
        if (ModelDimension % Heads != 0)
            throw new ArgumentException(
                $"{nameof(ModelDimension)} ({ModelDimension}) must be divisible by {nameof(Heads)} ({Heads}).", nameof(ModelDimension));
        NotNegative(EncoderLayers, nameof(EncoderLayers), MaxLayers);
        NotNegative(DecoderLayers, nameof(DecoderLayers), MaxLayers);
        if (EncoderLayers == 0 && DecoderLayers == 0)
            throw new ArgumentException(
                $"{nameof(EncoderLayers)} (0) and {nameof(DecoderLayers)} (0) must not both be 0: at least one stack is needed.",
                nameof(EncoderLayers));
        Positive(FeedForwardDimension, nameof(FeedForwardDimension));
        Probability(EmbeddingDropout, nameof(EmbeddingDropout));
        Probability(AttentionDropout, nameof(AttentionDropout));
        Probability(ResidualDropout, nameof(ResidualDropout));
        Probability(FeedForwardDropout, nameof(FeedForwardDropout));
        Positive(MaxLength, nameof(MaxLength));
        Defined(Activation, nameof(Activation));
        Defined(PositionalEncoding, nameof(PositionalEncoding));
        Defined(NormPlacement, nameof(NormPlacement));
        Defined(Attention, nameof(Attention));
        Positive(AttentionWindow, nameof(AttentionWindow));
        NotNegative(GlobalTokens, nameof(GlobalTokens));
        if (PositionalEncoding == PositionalEncoding.Rotary && HeadDimension % 2 != 0)
            throw new ArgumentException(
                $"{nameof(PositionalEncoding)} {nameof(PositionalEncoding.Rotary)} rotates pairs of features: the head dimension " +
                $"({nameof(ModelDimension)} / {nameof(Heads)} = {HeadDimension}) must be even.", nameof(PositionalEncoding));
        if (PositionalEncoding == PositionalEncoding.Rotary && Attention == AttentionVariant.Linear)
            throw new ArgumentException(
                $"{nameof(PositionalEncoding)} {nameof(PositionalEncoding.Rotary)} needs softmax attention ({nameof(AttentionVariant.Full)} " +
                $"or {nameof(AttentionVariant.SlidingWindow)}); {nameof(Attention)} is {nameof(AttentionVariant.Linear)}, whose feature " +
                "map does not keep the rotation relative.", nameof(PositionalEncoding));
        if (AllowLengthExtrapolation && PositionalEncoding == PositionalEncoding.Learned)
            throw new ArgumentException(
                $"{nameof(AllowLengthExtrapolation)} (true) needs a {nameof(PositionalEncoding)} that extrapolates " +
                $"({nameof(PositionalEncoding.Sinusoidal)}, {nameof(PositionalEncoding.Rotary)} or {nameof(PositionalEncoding.None)}); " +
                $"{nameof(PositionalEncoding.Learned)} has no vector beyond {nameof(MaxLength)} ({MaxLength}).",
                nameof(AllowLengthExtrapolation));
        Require.That(LayerNormEpsilon > 0 && !double.IsInfinity(LayerNormEpsilon), nameof(LayerNormEpsilon), "a positive finite number", LayerNormEpsilon);
        Require.That(PaddingId >= 0 && PaddingId < VocabularySize, nameof(PaddingId),
            $"a token id in [0, {nameof(VocabularySize)} = {VocabularySize})", PaddingId);
        return this;
    }

    /// <summary>
    /// Checks every option but <see cref="VocabularySize"/>, which a trainer takes from its tokenizer: the shape a
    /// trainer's options ask for, before any tokenizer exists.
    /// </summary>
    internal void ValidateShape() => (this with { VocabularySize = PaddingId is >= 0 and < MaxSize ? PaddingId + 1 : 1 }).Validate();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The options as JSON (enums by name), e.g. to store beside the weights in a model zip.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads options written by <see cref="ToJson"/> and validates them; absent options take their defaults.</summary>
    /// <exception cref="JsonException">The text is not JSON of this shape (unknown names are refused).</exception>
    public static ModelOptions FromJson(string json) =>
        (JsonSerializer.Deserialize<ModelOptions>(json, Json) ?? throw new JsonException("ModelOptions JSON was 'null'.")).Validate();

    // The checks read as the rule they enforce; Require words the message as every option check does.
    private static void Positive(int value, string name, int max = MaxSize) => Require.InRange(value, 1, max, name);

    private static void NotNegative(int value, string name, int max = MaxSize) => Require.InRange(value, 0, max, name);

    private static void Probability(double value, string name) => Require.That(value >= 0 && value < 1, name, "in [0, 1)", value);

    private static void Defined<T>(T value, string name) where T : struct, Enum =>
        Require.That(Enum.IsDefined(value), name, $"one of {string.Join(", ", Enum.GetNames<T>())}", value);
}
