using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Generation;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Text generation on an <see cref="MLContext"/>, in the manner of ML.NET's task catalogs: reached through
/// <c>mlContext.TextGeneration()</c>. Trainers live on <c>mlContext.Transforms.Text</c>
/// (<c>TransformerTextGenerator</c>); this catalog evaluates what they generate.
/// </summary>
public sealed class TextGenerationCatalog
{
    private readonly IHost _host;

    internal TextGenerationCatalog(IHostEnvironment env)
    {
        _host = (env ?? throw new ArgumentNullException(nameof(env))).Register(nameof(TextGenerationCatalog));
    }

    /// <summary>
    /// Scores generated text against references: corpus BLEU and chrF (sacreBLEU's defaults), mean ROUGE-L and exact
    /// match, each 0–100 (see <see cref="GenerationMetrics.Evaluate"/>).
    /// </summary>
    /// <param name="data">Scored data, e.g. the output of a text generator's <c>Transform</c>.</param>
    /// <param name="referenceColumnName">The references: one text per row, or a vector of texts when a source has
    /// several (every entry counts; BLEU and chrF leave empty ones out).</param>
    /// <param name="generatedColumnName">The generated text.</param>
    /// <param name="model">When given, the model's token-level loss on the references (teacher forced from its source
    /// column, every reference counted) fills <see cref="TextGenerationMetrics.Loss"/> and
    /// <see cref="TextGenerationMetrics.Perplexity"/>; see <see cref="TextGenerationTransformer.EvaluateLoss"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not text; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows.</exception>
    public TextGenerationMetrics Evaluate(IDataView data, string referenceColumnName = ColumnDefaults.Target, string generatedColumnName = ColumnDefaults.Generated,
        TextGenerationTransformer? model = null)
    {
        _host.CheckValue(data, nameof(data));
        var rows = GenerationColumns.Read(data, referenceColumnName, generatedColumnName);
        var loss = model?.EvaluateLoss(data, referenceColumnName);
        return GenerationMetrics.Evaluate(rows, loss: loss);
    }
}
