using Microsoft.ML.Transformer.Batching;

namespace Microsoft.ML.Transformer.MLNet.QuestionAnswering;

/// <summary>What a fitted question answerer needs besides its network and tokenizer; saved with the model.</summary>
/// <param name="ContextColumn">The column answers are spans of.</param>
/// <param name="QuestionColumn">The question column.</param>
/// <param name="MaxLength">The most tokens a window holds, question and special tokens included.</param>
/// <param name="Stride">The context tokens consecutive windows share.</param>
/// <param name="MaxAnswerWords">The longest answer, in words.</param>
/// <param name="TopK">How many answers the top-answer columns hold.</param>
/// <param name="ScoringBatchSize">Windows scored per forward pass.</param>
internal sealed record QaSettings(string ContextColumn, string QuestionColumn, int MaxLength, int Stride, int MaxAnswerWords, int TopK, int ScoringBatchSize)
{
    /// <summary>The shortest window: [CLS], a question token, [SEP], a context token, [SEP], with room to spare.</summary>
    public const int MinLength = 8;

    public void Save(BinaryWriter writer)
    {
        writer.Write(ContextColumn);
        writer.Write(QuestionColumn);
        writer.Write(MaxLength);
        writer.Write(Stride);
        writer.Write(MaxAnswerWords);
        writer.Write(TopK);
        writer.Write(ScoringBatchSize);
    }

    public static QaSettings Load(BinaryReader reader)
    {
        string context = reader.ReadString(), question = reader.ReadString();
        int maxLength = reader.ReadInt32(), stride = reader.ReadInt32(), words = reader.ReadInt32(), topK = reader.ReadInt32(), batch = reader.ReadInt32();
        if (maxLength < MinLength || stride < 0 || words < 1 || topK < 1 || batch < 1 || batch > BatcherOptions.MaxBatchSize)
            throw new InvalidDataException($"The question answerer's settings are invalid (MaxLength {maxLength}, stride {stride}, answer words {words}, top {topK}, batch {batch}).");
        return new QaSettings(context, question, maxLength, stride, words, topK, batch);
    }
}
