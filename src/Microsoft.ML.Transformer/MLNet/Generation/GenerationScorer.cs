using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Scoring;

namespace Microsoft.ML.Transformer.MLNet.Generation;

/// <summary>
/// Generates for a mini-batch of sources at once (one encoder pass, one cached decoder, every strategy batched) and
/// writes the generated text and, when asked for, its log-probability (natural log, summed over the generated tokens
/// and the end token, under the model's own distribution).
/// </summary>
internal sealed class GenerationScorer : ITextBatchScorer
{
    private readonly NetworkGenerator _generator;
    private readonly DecodingOptions _decoding;
    private readonly GeneratorSettings _settings;

    public GenerationScorer(NetworkGenerator generator, DecodingOptions decoding, GeneratorSettings settings)
    {
        generator.Validate(decoding);
        (_generator, _decoding, _settings) = (generator, decoding, settings);
        InputColumns = [settings.SourceColumn];
        OutputColumns = settings.LogProbabilityColumn is { } logProbability
            ? [new(settings.OutputColumn, TextDataViewType.Instance), new(logProbability, NumberDataViewType.Single)]
            : [new(settings.OutputColumn, TextDataViewType.Instance)];
    }

    /// <summary>The generator of the network (shared with streaming generation and <c>WithDecoding</c>).</summary>
    public NetworkGenerator Generator => _generator;

    public IReadOnlyList<string> InputColumns { get; }

    public IReadOnlyList<ScoreColumn> OutputColumns { get; }

    public int BatchSize => _settings.ScoringBatchSize;

    public void Score(IReadOnlyList<string[]> texts, object[][] results)
    {
        // Log-probabilities cost a log-sum-exp per step: only when their column was asked for.
        var sequences = _generator.Generate(texts.Select(t => t[0]).ToArray(), _decoding, _settings.LogProbabilityColumn is not null);
        for (int r = 0; r < sequences.Count; r++)
        {
            results[r][0] = sequences[r].Text ?? "";
            if (_settings.LogProbabilityColumn is not null)
                results[r][1] = (float)sequences[r].LogProbability;
        }
    }
}
