using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Scoring;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

[assembly: LoadableClass(typeof(QuestionAnsweringTransformer), null, typeof(SignatureLoadModel),
    "Transformer question answerer", QuestionAnsweringTransformer.LoaderSignature)]

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>
/// A fitted Transformer question answerer: adds the best answer to each question (a span of its context), its start
/// and score, and the top answers (see <see cref="AnswerColumns"/>). Saves its network, tokenizer and settings into the
/// model zip.
/// </summary>
public sealed class QuestionAnsweringTransformer : TextModelTransformerBase, INetworkSource, ITrainedComponent
{
    internal const string LoaderSignature = "TxfQuestionAnswerer";

    private readonly TokenTaggerModel _model;
    private readonly TextTokenizer _tokenizer;
    private readonly QaSettings _settings;
    private readonly AnswerScorer _scorer;

    internal QuestionAnsweringTransformer(IHostEnvironment env, TokenTaggerModel model, TextTokenizer tokenizer, QaSettings settings)
        : base(env, nameof(QuestionAnsweringTransformer))
    {
        (_model, _tokenizer, _settings) = (model, tokenizer, settings);
        _model.eval();
        _scorer = new AnswerScorer(model, tokenizer, settings);
    }

    /// <summary>The training curve of the <c>Fit</c> that made this transformer; null for one loaded from a zip.</summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    EncoderDecoderModel INetworkSource.Network => _model.Body;

    TextTokenizer INetworkSource.Tokenizer => _tokenizer;

    // Each window is read as [CLS] question [SEP] context [SEP].
    BatchLayout INetworkSource.InputLayout => BatchLayout.Pair;

    private protected override ITextBatchScorer Scorer => _scorer;

    // Format 1.2 (the first): the sealed block holds the settings (columns, window length, stride, longest answer,
    // top K, scoring batch).
    private static readonly ComponentFormat Format = new("TXFQANSW", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: SealedSettings.FirstVersion, "the question answerer's settings");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, _settings.Save, _model.Body, _tokenizer, weights: _model);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static QuestionAnsweringTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static QuestionAnsweringTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, QaSettings.Load);
        var (model, tokenizer) = NetworkEntries.LoadNetwork(ctx, options => new TokenTaggerModel(new EncoderDecoderModel(options), 2, dropout: 0));
        return new QuestionAnsweringTransformer(env, model, tokenizer, settings);
    }
}
