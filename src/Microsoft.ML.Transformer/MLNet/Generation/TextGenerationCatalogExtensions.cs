namespace Microsoft.ML.Transformer;

/// <summary>Extension methods that put text generation on ML.NET's catalogs.</summary>
public static class TextGenerationCatalogExtensions
{
    /// <summary>The text generation catalog of <paramref name="mlContext"/>: evaluation of generated text.</summary>
    public static TextGenerationCatalog TextGeneration(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new TextGenerationCatalog(mlContext);
    }
}
