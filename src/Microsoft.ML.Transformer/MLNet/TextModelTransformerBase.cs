using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// What every ML.NET transformer of this library shares: a lazy, mini-batched <see cref="Transform"/>, a row mapper
/// for <c>PredictionEngine</c>, saving into a model zip, and the network it scores with (in inference mode). Each
/// derived transformer supplies what it computes (a scorer) and how it saves itself.
/// </summary>
public abstract class TextModelTransformerBase : ITransformer
{
    /// <param name="env">The host environment.</param>
    /// <param name="name">The derived transformer's name, for its host.</param>
    /// <param name="network">The network, tokenizer and input layout; null for a transformer without a network.</param>
    /// <param name="scorer">Makes the scorer, once the network is in inference mode.</param>
    private protected TextModelTransformerBase(IHostEnvironment env, string name, NetworkSource? network, Func<ITextBatchScorer> scorer)
    {
        Host = (env ?? throw new ArgumentNullException(nameof(env))).Register(name);
        network?.Weights.eval(); // a fitted component only scores: no dropout
        Source = network;
        Scorer = scorer();
    }

    private protected IHost Host { get; }

    private protected ITextBatchScorer Scorer { get; }

    /// <summary>The network, tokenizer and input layout (what fine-tuning starts from); null for a transformer without a network.</summary>
    internal NetworkSource? Source { get; }

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
    /// <see cref="ServingThreads"/>, which it names in the log.
    /// </summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        if (Scorer.RunsLibtorch)
        {
            using var channel = Host.Start("Serving");
            channel.Info(ServingThreads.Description);
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
