using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// What every ML.NET transformer of this library shares: a lazy, mini-batched <see cref="Transform"/>, a row mapper
/// for <c>PredictionEngine</c>, and saving into a model zip. Each derived transformer supplies what it computes
/// (a scorer) and how it saves itself.
/// </summary>
public abstract class TextModelTransformerBase : ITransformer
{
    private protected TextModelTransformerBase(IHostEnvironment env, string name)
    {
        Host = (env ?? throw new ArgumentNullException(nameof(env))).Register(name);
    }

    private protected IHost Host { get; }

    private protected abstract ITextBatchScorer Scorer { get; }

    /// <summary>Always true: every row is mapped on its own, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the columns this transformer adds.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        return ScoringSchema.Build(inputSchema, Scorer);
    }

    /// <summary>Adds the output columns lazily: rows are scored in mini-batches as a cursor advances.</summary>
    public IDataView Transform(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        return new BatchScoringDataView(input, Scorer);
    }

    /// <summary>
    /// A mapper that scores one row at a time (used by <c>PredictionEngine</c>), with the thread policy of
    /// <see cref="TransformerServing"/>, which it names in the log.
    /// </summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        if (Scorer.RunsLibtorch)
        {
            using var channel = Host.Start("Serving");
            channel.Info(TransformerServing.Description);
        }
        return new ScoringRowMapper(inputSchema, Scorer);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        SaveModel(ctx);
    }

    private protected abstract void SaveModel(ModelSaveContext ctx);
}
