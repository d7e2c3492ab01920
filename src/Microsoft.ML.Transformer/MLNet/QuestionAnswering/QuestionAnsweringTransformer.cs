using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Persistence;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
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
public sealed class QuestionAnsweringTransformer : TextModelTransformerBase, ITrainedComponent
{
    internal const string LoaderSignature = "TxfQuestionAnswerer";

    private readonly QaSettings _settings;

    // Each window is read as [CLS] question [SEP] context [SEP].
    internal QuestionAnsweringTransformer(IHostEnvironment env, TokenTaggerModel model, TextTokenizer tokenizer, QaSettings settings)
        : base(env, nameof(QuestionAnsweringTransformer), new(model.Body, tokenizer, model, BatchLayout.Pair),
            () => new AnswerScorer(model, tokenizer, settings))
    {
        _settings = settings;
    }

    /// <summary>The training curve of the <c>Fit</c> that made this transformer; null for one loaded from a zip.</summary>
    public TrainingHistory? TrainingHistory { get; internal init; }

    // Format 1.2 (the first): the sealed block holds the settings (columns, window length, stride, longest answer,
    // top K, scoring batch).
    private static readonly ComponentFormat Format = new("TXFQANSW", LoaderSignature, Written: SealedSettings.FirstVersion,
        ReadBack: SealedSettings.FirstVersion, "the question answerer's settings");

    private protected override void SaveModel(ModelSaveContext ctx) => Format.Save(ctx, _settings.Save, Source!);

    // The loader ML.NET calls; checks the Microsoft.ML version before Load touches the load context.
    private static QuestionAnsweringTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => MLNetVersionGuard.Load(env, ctx, Load);

    private static QuestionAnsweringTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        var settings = Format.ReadSettings(ctx, QaSettings.Load);
        var (model, tokenizer) = NetworkEntries.LoadNetwork(ctx, options => new TokenTaggerModel(new TextNetwork(options), 2, dropout: 0));
        return new QuestionAnsweringTransformer(env, model, tokenizer, settings);
    }
}
