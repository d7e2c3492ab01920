using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>
/// What a component computes from text: it reads some text columns of each row and adds some output columns.
/// The same scorer serves <c>Transform</c> (mini-batches as the cursor advances) and <c>PredictionEngine</c>
/// (one row at a time), so both paths compute the same thing.
/// </summary>
internal interface ITextBatchScorer
{
    /// <summary>The text columns read from each row, in the order <see cref="Score"/> receives them.</summary>
    IReadOnlyList<string> InputColumns { get; }

    /// <summary>The columns added to the output.</summary>
    IReadOnlyList<ScoreColumn> OutputColumns { get; }

    /// <summary>How many rows <c>Transform</c> gathers before one call to <see cref="Score"/>.</summary>
    int BatchSize { get; }

    /// <summary>Whether <see cref="Score"/> runs libtorch (so that predictions follow <see cref="ServingThreads"/>).</summary>
    bool RunsLibtorch => true;

    /// <summary>
    /// Scores rows: <paramref name="texts"/>[row][input column]; writes <paramref name="results"/>[row][output column]
    /// as float, int, uint (keys), bool, string (text), float[], int[], long[] or uint[] (vectors of Single, Int32, Int64 or keys) or string[] (vectors of text). Must be safe to call from several threads.
    /// </summary>
    void Score(IReadOnlyList<string[]> texts, object[][] results);
}

/// <summary>An output column: its name, type and annotations (key values, slot names, score kind...).</summary>
internal sealed record ScoreColumn(string Name, DataViewType Type, DataViewSchema.Annotations? Annotations = null);
