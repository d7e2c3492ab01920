namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>Which vocabulary turns text into token ids.</summary>
public enum TokenizerKind
{
    /// <summary>
    /// A byte-level BPE vocabulary learned from the training data (<see cref="TokenizerOptions.VocabularySize"/> entries).
    /// Lossless for every string, and much shorter sequences than raw bytes. The default.
    /// </summary>
    LearnedBpe = 0,

    /// <summary>One token per UTF-8 byte (256 entries). Lossless for every string, needs no training and no files.</summary>
    Bytes = 1,

    /// <summary>The GPT-2 vocabulary (tiktoken "gpt2", 50,257 entries), shipped with the library.</summary>
    Gpt2 = 2,

    /// <summary>
    /// A BPE vocabulary read from a vocab.json and merges.txt pair (<see cref="TokenizerOptions.BpeVocabularyFile"/>,
    /// <see cref="TokenizerOptions.BpeMergesFile"/>); the files' content is saved with the model.
    /// </summary>
    BpeFiles = 3,

    /// <summary>
    /// Any <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> instance (<see cref="TokenizerOptions.CustomTokenizer"/>).
    /// Usable for training and inference, but it cannot be saved into a model: saving throws.
    /// </summary>
    Custom = 4,
}
