using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// What every estimator of this library shares: a host named after it, the options it was created with (checked
/// then, so that a bad option fails at the catalog call, naming it), and ML.NET's argument checks around
/// <see cref="GetOutputSchema"/> and <see cref="Fit"/>. Each estimator supplies the columns it checks and adds, and
/// how it fits.
/// </summary>
/// <typeparam name="TOptions">The estimator's options.</typeparam>
/// <typeparam name="TTransformer">The fitted transformer.</typeparam>
public abstract class TextEstimatorBase<TOptions, TTransformer> : IEstimator<TTransformer>
    where TOptions : class
    where TTransformer : class, ITransformer
{
    private protected TextEstimatorBase(IHostEnvironment env, TOptions options, Action<TOptions> validate)
    {
        Host = (env ?? throw new ArgumentNullException(nameof(env))).Register(GetType().Name);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        validate(options);
    }

    private protected IHost Host { get; }

    private protected TOptions Options { get; }

    /// <summary>Checks the input columns and describes the input schema plus the columns the fitted transformer adds.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        return ScoringSchema.With(inputSchema, AddedColumns(inputSchema));
    }

    /// <summary>
    /// Fits the transformer on <paramref name="input"/>: trains it, or, for a component that learns nothing, checks the
    /// columns and builds it without reading a row.
    /// </summary>
    public TTransformer Fit(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        return FitChecked(input);
    }

    /// <summary>Checks the input columns the estimator reads and returns the columns it adds.</summary>
    private protected abstract IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape input);

    /// <summary>Fits on <paramref name="input"/>, which is not null.</summary>
    private protected abstract TTransformer FitChecked(IDataView input);
}
