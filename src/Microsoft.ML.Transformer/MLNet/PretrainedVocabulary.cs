using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// A fine-tuned model keeps its base model's tokenizer: the pretrained embedding rows mean those ids and no others.
/// Vocabulary options a trainer's options set away from their defaults must therefore agree with the pretrained
/// tokenizer; left at their defaults they mean "whatever the base model has".
/// </summary>
internal static class PretrainedVocabulary
{
    /// <summary>Throws naming every vocabulary setting of <paramref name="requested"/> that contradicts <paramref name="pretrained"/>.</summary>
    /// <param name="pretrained">The base model's tokenizer.</param>
    /// <param name="requested">The fine-tuning trainer's tokenizer options.</param>
    /// <param name="model">The trainer's network options; a vocabulary size of 1 or less (the default is 0) means "the tokenizer's".</param>
    /// <exception cref="ArgumentException">A setting differs.</exception>
    public static void Check(TextTokenizer pretrained, TokenizerOptions requested, ModelOptions? model)
    {
        var defaults = new TokenizerOptions();
        var differences = new List<string>();
        if (requested.Kind != defaults.Kind && requested.Kind != pretrained.Kind)
            differences.Add($"TokenizerOptions.Kind is {requested.Kind}, the pretrained tokenizer is {pretrained.Kind}");
        if (requested.Kind == TokenizerKind.LearnedBpe && pretrained.Kind == TokenizerKind.LearnedBpe
            && requested.VocabularySizeIsSet && requested.VocabularySize != pretrained.BaseVocabularySize)
            differences.Add($"TokenizerOptions.VocabularySize is {requested.VocabularySize:N0}, the pretrained BPE has {pretrained.BaseVocabularySize:N0} entries");
        if (requested.SentinelCount != defaults.SentinelCount && requested.SentinelCount != pretrained.Specials.SentinelCount)
            differences.Add($"TokenizerOptions.SentinelCount is {requested.SentinelCount}, the pretrained tokenizer has {pretrained.Specials.SentinelCount}");
        if (model is { VocabularySize: > 1 } && model.VocabularySize != pretrained.VocabularySize)
            differences.Add($"ModelOptions.VocabularySize is {model.VocabularySize:N0}, the pretrained network embeds {pretrained.VocabularySize:N0} ids");
        if (differences.Count > 0)
            throw new ArgumentException(
                "The pretrained model's vocabulary does not fit the fine-tuning options: " + string.Join("; ", differences) + ". " +
                "A fine-tuned model uses its base model's tokenizer: leave these options at their defaults, or set them to the base model's values.");
    }
}
