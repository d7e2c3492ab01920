using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

[assembly: LoadableClass(typeof(TextGenerationTransformer), null, typeof(SignatureLoadModel),
    "Transformer text generator", TextGenerationTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// A fitted Transformer text generator: adds the generated text of each source (and, when asked for, its
/// log-probability) in <c>Transform</c>, mini-batch by mini-batch, and in <c>PredictionEngine</c>. Generation follows
/// <see cref="Decoding"/>, stored in the model; <see cref="WithDecoding"/> gives a transformer that decodes otherwise
/// while sharing the network. Saves its network, tokenizer, settings and decoding options into the model zip.
/// </summary>
public sealed class TextGenerationTransformer : TextModelTransformerBase, ITrainedComponent
{
    internal const string LoaderSignature = "TxfTextGenerator";

    private static readonly JsonSerializerOptions DecodingJson = new()
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly GeneratorSettings _settings;

    internal GeneratorSettings Settings => _settings; // exported by a model folder (Interop.ModelFolder)

    // generator: given by WithDecoding, so that transformers sharing a network also share its greedy selector.
    internal TextGenerationTransformer(IHostEnvironment env, TextNetwork network, TextTokenizer tokenizer,
        GeneratorSettings settings, DecodingOptions decoding, NetworkGenerator? generator = null)
        : base(env, nameof(TextGenerationTransformer), new(network, tokenizer), () => Scoring(network, tokenizer, settings, decoding, generator))
    {
        _settings = settings;
        Decoding = decoding;
    }

    private static GenerationScorer Scoring(TextNetwork network, TextTokenizer tokenizer, GeneratorSettings settings,
        DecodingOptions decoding, NetworkGenerator? generator)
    {
        network.PrepareForInference(); // never trained again: products may use weight copies laid out for inference
        return new GenerationScorer(generator ?? new NetworkGenerator(network, tokenizer, settings.SourceMaxLength, settings.Truncation), decoding, settings);
    }

    internal NetworkGenerator Generator => ((GenerationScorer)Scorer).Generator; // shared with WithDecoding's transformers

    /// <summary>
    /// The training curve (loss, learning rate, validation token loss per step; <c>SaveCsv</c>, <c>SavePng</c>) of the
    /// <c>Fit</c> that made this transformer; null for a transformer loaded from a zip. <see cref="WithDecoding"/> keeps it.
    /// </summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    /// <summary>How this transformer generates: the options stored with the model, or those given to <see cref="WithDecoding"/>.</summary>
    public DecodingOptions Decoding { get; }

    /// <summary>The text column read.</summary>
    public string SourceColumnName => _settings.SourceColumn;

    /// <summary>The generated text column added.</summary>
    public string OutputColumnName => _settings.OutputColumn;

    /// <summary>The log-probability column added, or null when none is.</summary>
    public string? LogProbabilityColumnName => _settings.LogProbabilityColumn;

    /// <summary>True when the network has no encoder and continues its source as a prompt.</summary>
    public bool IsDecoderOnly => Generator.IsDecoderOnly;

    /// <summary>
    /// A transformer that generates with <paramref name="decoding"/> and shares this one's network (no copy is made);
    /// it saves with these options.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid for this model; the message names it.</exception>
    public TextGenerationTransformer WithDecoding(DecodingOptions decoding)
    {
        Host.CheckValue(decoding, nameof(decoding));
        Generator.Validate(decoding);
        return new TextGenerationTransformer(Host, Source!.Network, Source.Tokenizer, _settings, decoding, Generator) { TrainingHistory = TrainingHistory };
    }

    /// <summary>
    /// Generates from one source and yields the text as it grows; the pieces concatenate to the text <c>Transform</c>
    /// gives with the same options (and, for sampling, the same seed). Greedy decoding or sampling only.
    /// </summary>
    /// <param name="source">The source text.</param>
    /// <param name="options">Decoding options; default <see cref="Decoding"/>.</param>
    /// <param name="cancellationToken">Checked before every token.</param>
    /// <exception cref="ArgumentException">An option is invalid (thrown at the call, before any generation).</exception>
    /// <exception cref="NotSupportedException">The options ask for beam search.</exception>
    public IAsyncEnumerable<string> GenerateStreamingAsync(string source, DecodingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Host.CheckValue(source, nameof(source));
        return Generator.StreamAsync(source, options ?? Decoding, cancellationToken);
    }

    /// <summary>
    /// The token-level loss of the model on reference texts, teacher forced: mean negative log-likelihood per target
    /// token (nats) and perplexity, over every (source, reference) pair of <paramref name="data"/>.
    /// </summary>
    /// <param name="data">Rows with the source column and the reference column.</param>
    /// <param name="referenceColumnName">A text column, or a vector of text (every reference counts); default the
    /// target column the model was trained on.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not text; the message names it.</exception>
    public LossAccumulator EvaluateLoss(IDataView data, string? referenceColumnName = null)
    {
        Host.CheckValue(data, nameof(data));
        var source = GenerationColumns.Text(data.Schema, _settings.SourceColumn, "Source");
        var reference = GenerationColumns.TextOrTextVector(data.Schema, referenceColumnName ?? _settings.TargetColumn, "Reference");
        var loss = new TeacherForcing(Source!.Network, Source.Tokenizer, _settings).Measure(Pairs(data, source, reference), _settings.ScoringBatchSize);
        if (loss.TokenCount == 0)
            throw new ArgumentException("The data holds no reference token to measure the loss on (no rows, or every reference empty).", nameof(data));
        return loss;
    }

    private static IEnumerable<TextRow> Pairs(IDataView data, Microsoft.ML.DataViewSchema.Column source, Microsoft.ML.DataViewSchema.Column reference)
    {
        using var cursor = data.GetRowCursor([source, reference]);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(source);
        var references = GenerationColumns.References(cursor, reference);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            text(ref value);
            foreach (string target in references())
                if (target.Length > 0)
                    yield return new TextRow(cursor.Position, value.ToString(), target);
        }
    }

    // Format 1.2: the sealed block holds the settings and the decoding options as JSON (1.1: the same, unsealed).
    private static readonly ComponentFormat Format = new("TXFGENER", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: 0x00010001, "the text generator's settings and decoding options");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, writer =>
    {
        _settings.Save(writer);
        writer.Write(JsonSerializer.Serialize(Decoding, DecodingJson));
    }, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static TextGenerationTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static TextGenerationTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var (settings, decoding) = Format.ReadSettings(ctx, reader => (GeneratorSettings.Load(reader), ReadDecoding(reader.ReadString())));
        var (network, tokenizer) = NetworkEntries.LoadNetwork(ctx, options => options.DecoderLayers == 0
            ? throw new InvalidDataException("The text generator's network has no decoder (DecoderLayers is 0).")
            : new TextNetwork(options));
        return new TextGenerationTransformer(env, network, tokenizer, settings, decoding);
    }

    private static DecodingOptions ReadDecoding(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<DecodingOptions>(json, DecodingJson)
                ?? throw new InvalidDataException("The text generator's decoding options are 'null'.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The text generator's decoding options could not be read: " + e.Message, e);
        }
    }
}
