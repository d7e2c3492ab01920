namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// Where a trainer's network comes from when it does not start from scratch, and what of it stays fixed: shared by the
/// options of every trainer that can fine-tune a fitted model of this library (the four trainers of
/// <see cref="EncoderHeadOptions"/> and <see cref="Generation.TextGenerationOptions"/>).
/// </summary>
public interface IFineTuningOptions
{
    /// <summary>
    /// A fitted model of this library to start from, or a chain holding one: its network and tokenizer are copied (the
    /// model itself never changes), and the options that shape a new network are ignored. Set this or
    /// <see cref="BaseModelPath"/>, not both. Default none: a new network is trained from scratch.
    /// </summary>
    ITransformer? BaseModel { get; set; }

    /// <summary>The path of a saved model zip holding a model to start from (instead of <see cref="BaseModel"/>). Default none.</summary>
    string? BaseModelPath { get; set; }

    /// <summary>Keep the token and position embeddings fixed while training. Default false.</summary>
    bool FreezeEmbeddings { get; set; }

    /// <summary>
    /// Keep the lowest N layers of each of the network's stacks (encoder, decoder) fixed while training; at most the
    /// deepest stack's layer count. Default 0.
    /// </summary>
    int FreezeLayers { get; set; }
}
