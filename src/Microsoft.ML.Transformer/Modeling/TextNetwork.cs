using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// The whole network: embeddings, an encoder stack, a decoder stack, the output head. Either stack may be absent:
/// no encoder gives a decoder-only language model (<c>Logits(Decode(tgt, null, null, pad))</c>), no decoder an
/// encoder-only one (<c>Logits(Encode(src, pad))</c> is the masked-LM path). Batch-first; padding masks are bool
/// [B, T] with true = padding; token ids are int64. Every method runs inside the caller's dispose scope and leaves
/// its intermediates to it; only <see cref="DecoderCache"/> outlives scopes (and must be disposed).
/// </summary>
internal sealed partial class TextNetwork : nn.Module
{
    private readonly TokenEmbedding embedding;        // source side when there is an encoder, else target side
    private readonly TokenEmbedding? targetEmbedding; // only in an encoder-decoder with untied embeddings
    private readonly PositionTable? sourcePositions;
    private readonly PositionTable? targetPositions;
    private readonly Encoder? encoder;
    private readonly Decoder? decoder;
    private readonly Projection? head;                // untied output head [D → V]; tied models reuse the embedding
    private Precision precision;
    private bool prepared;
    private InferenceWeights? inference; // the weights laid out for inference products once prepared

    /// <summary>Builds and initialises a model; <paramref name="device"/> defaults to the CPU.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="ModelOptions.Validate"/>).</exception>
    public TextNetwork(ModelOptions options, Device? device = null) : base(nameof(TextNetwork))
    {
        Options = options.Validate();
        TorchDevice.EnsureBackend();
        long d = options.ModelDimension;
        bool hasEncoder = options.EncoderLayers > 0, hasDecoder = options.DecoderLayers > 0;

        embedding = new TokenEmbedding(options.VocabularySize, d, options.ScaleEmbeddings);
        if (hasEncoder && hasDecoder && !options.TieEmbeddings)
            targetEmbedding = new TokenEmbedding(options.VocabularySize, d, options.ScaleEmbeddings);
        if (hasEncoder)
        {
            sourcePositions = PositionTable.Create(options);
            encoder = new Encoder(options);
        }
        if (hasDecoder)
        {
            targetPositions = PositionTable.Create(options);
            decoder = new Decoder(options);
        }
        if (!options.TieEmbeddings)
            head = new Projection(d, options.VocabularySize, name: "OutputHead");
        RegisterComponents();
        Initialize();

        Device = device ?? CPU;
        if (Device.type != DeviceType.CPU) this.to(Device);
        // A model built inside someone's dispose scope must not be freed with it.
        foreach (var p in parameters()) p.DetachFromDisposeScope();
        foreach (var b in buffers()) b.DetachFromDisposeScope();
        sourcePositions?.KeepTensors();
        targetPositions?.KeepTensors();
    }

    /// <summary>The validated options the model was built from.</summary>
    public ModelOptions Options { get; }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

    /// <summary>
    /// Whether padded batches run their position-wise work on the real positions only (see
    /// <see cref="PackedPositions"/>; default true). Results are the same up to float rounding; tests turn it off to
    /// compare.
    /// </summary>
    internal bool PacksPadding
    {
        get => encoder?.Packs ?? decoder!.Packs;
        set
        {
            if (encoder is not null) encoder.Packs = value;
            if (decoder is not null) decoder.Packs = value;
        }
    }

    /// <summary>True when the model has an encoder stack.</summary>
    public bool HasEncoder => encoder is not null;

    /// <summary>True when the model has a decoder stack.</summary>
    public bool HasDecoder => decoder is not null;

    /// <summary>
    /// The number format of matrix products (default float32). With bfloat16 the parameters stay float32 (master
    /// weights); see <see cref="Projection"/>. Logits are float32 either way.
    /// </summary>
    public Precision Precision
    {
        get => precision;
        set
        {
            if (prepared && value != precision)
                throw new InvalidOperationException("The model is prepared for inference: its precision can no longer change.");
            precision = value;
            foreach (var module in modules())
                if (module is Projection projection) projection.Precision = value;
        }
    }

    /// <summary>True once <see cref="PrepareForInference"/> was called: the weights must no longer change.</summary>
    public bool IsPreparedForInference => prepared;

    /// <summary>
    /// Declares that the weights will not change again (a fitted ML.NET transformer's network): products without
    /// gradients then use copies of the weights laid out for inference (see <see cref="InferenceWeights"/>), made once
    /// instead of cast or read transposed at every call. Results equal the unprepared model's up to float rounding. The
    /// copies double the weights' memory and are freed with the model. Training a prepared model is refused (see
    /// <see cref="Training.TrainingLoop"/>); move the model to its device before the first inference call.
    /// </summary>
    public void PrepareForInference()
    {
        prepared = true;
        if (inference is not null) return;
        inference = new InferenceWeights(ComputeType);
        foreach (var module in modules())
            if (module is Projection projection) projection.Inference = inference;
    }

    /// <summary>
    /// The output head's weight [V, D] and bias [V] (or null) that <see cref="Logits"/> multiplies by: the untied
    /// projection, or the token embedding when the head is tied to it.
    /// </summary>
    public (Tensor Weight, Tensor? Bias) OutputHead => (head?.Weight ?? TargetEmbedding.Weight, head?.Bias);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inference?.Dispose();
        base.Dispose(disposing);
    }

    private ScalarType ComputeType => precision == Precision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;

    private TokenEmbedding TargetEmbedding => targetEmbedding ?? embedding;

    /// <summary>Source ids [B, S] and padding [B, S] (or null) → memory [B, S, D].</summary>
    public Tensor Encode(Tensor sourceIds, Tensor? sourcePadding, AttentionRecorder? recorder = null)
    {
        if (encoder is null) throw new InvalidOperationException("This model has no encoder (EncoderLayers is 0).");
        var x = Embed(embedding, sourcePositions, sourceIds, 0);                        // [B, S, D]
        return encoder.Forward(x, AttentionMasks.KeyPadding(sourcePadding, ComputeType), recorder);
    }

    /// <summary>
    /// Ids [B, T] of a text and padding [B, T] → hidden states [B, T, D], read by the encoder when there is one
    /// (bidirectional), else causally by the decoder: how a head on any pretrained body reads its input.
    /// </summary>
    public Tensor ReadText(Tensor ids, Tensor padding) => HasEncoder ? Encode(ids, padding) : Decode(ids, null, null, padding);

    /// <summary>
    /// Target ids [B, T] → hidden states [B, T, D], each position seeing only itself and earlier positions.
    /// <paramref name="memory"/> [B, S, D] and <paramref name="sourcePadding"/> [B, S] are for an encoder-decoder and
    /// must be null in a decoder-only model; <paramref name="targetPadding"/> [B, T] may be null.
    /// </summary>
    public Tensor Decode(Tensor targetIds, Tensor? memory, Tensor? sourcePadding, Tensor? targetPadding, AttentionRecorder? recorder = null)
    {
        var d = decoder ?? throw new InvalidOperationException("This model has no decoder (DecoderLayers is 0).");
        CheckMemory(memory);
        var x = Embed(TargetEmbedding, targetPositions, targetIds, 0);                  // [B, T, D]
        var selfMask = AttentionMasks.CausalWithPadding(targetPadding, targetIds.shape[1], 0, ComputeType, x.device);
        return d.Forward(x, selfMask, memory, AttentionMasks.KeyPadding(sourcePadding, ComputeType), recorder);
    }

    /// <summary>Hidden states [..., D] → float32 logits [..., V] (tied to the token embedding when TieEmbeddings).</summary>
    public Tensor Logits(Tensor hidden)
    {
        var logits = head is not null
            ? head.forward(hidden)
            : Projection.Linear(hidden, TargetEmbedding.Weight, null, precision, inference);
        return logits.to(ScalarType.Float32);
    }

    /// <summary>Encoder-decoder training pass: source [B, S], target input [B, T] → logits [B, T, V].</summary>
    public Tensor forward(Tensor sourceIds, Tensor? sourcePadding, Tensor targetIds, Tensor? targetPadding, AttentionRecorder? recorder = null)
    {
        var memory = Encode(sourceIds, sourcePadding, recorder);
        return Logits(Decode(targetIds, memory, sourcePadding, targetPadding, recorder));
    }

    private Tensor Embed(TokenEmbedding tokens, PositionTable? positions, Tensor ids, long offset)
    {
        PositionTable.CheckLength(offset + ids.shape[1], Options.MaxLength, Options.AllowLengthExtrapolation);
        var x = tokens.forward(ids);                                                     // [B, T, D]
        if (positions is not null) x = x.Plus(positions.At(offset, ids.shape[1]));        // + [T, D], broadcast over B
        return Dropout.Apply(x, Options.EmbeddingDropout, training);
    }

    private void CheckMemory(Tensor? memory)
    {
        if (encoder is not null && memory is null)
            throw new ArgumentNullException(nameof(memory), "An encoder-decoder model needs the encoder memory to decode.");
        if (encoder is null && memory is not null)
            throw new ArgumentException("A decoder-only model has no cross-attention: memory must be null.", nameof(memory));
    }

    /// <summary>
    /// GPT-2-style initialisation: every projection N(0, 0.02), biases 0, norms 1/0; projections that write into the
    /// residual stream N(0, 0.02/√n) with n the number of residual branches in their stack, so the stream's variance
    /// does not grow with depth. Token embeddings N(0, 1/√D) when scaled by √D (unit-size entries after scaling, as in
    /// the paper's implementations), else N(0, 0.02); learned positions N(0, 0.02).
    /// </summary>
    private void Initialize()
    {
        using var noGrad = no_grad();
        const double std = 0.02;
        foreach (var module in modules())
        {
            if (module is Projection projection)
            {
                nn.init.normal_(projection.Weight, 0, std);
                if (projection.Bias is not null) nn.init.zeros_(projection.Bias);
            }
            else if (module is TokenEmbedding tokens)
            {
                nn.init.normal_(tokens.Weight, 0, Options.ScaleEmbeddings ? 1 / Math.Sqrt(Options.ModelDimension) : std);
            }
            else if (module is LearnedPositions learned)
            {
                nn.init.normal_(learned.Weight, 0, std);
            }
        }
        ScaleResidualOutputs(encoder?.Layers.SelectMany(l => l.ResidualOutputs).ToList());
        ScaleResidualOutputs(decoder?.Layers.SelectMany(l => l.ResidualOutputs).ToList());

        static void ScaleResidualOutputs(List<Projection>? outputs)
        {
            if (outputs is null) return;
            foreach (var projection in outputs)
                nn.init.normal_(projection.Weight, 0, std / Math.Sqrt(outputs.Count));
        }
    }
}
