using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>Loads the public data sets of ../shared/data as ML.NET data views (read in place, never copied).</summary>
internal static class SharedData
{
    public sealed class TextCategory
    {
        [LoadColumn(0)] public string Text { get; set; } = "";
        [LoadColumn(1)] public string Category { get; set; } = "";
    }

    public sealed class TextSentiment
    {
        [LoadColumn(0)] public string Text { get; set; } = "";
        [LoadColumn(1)] public bool Label { get; set; }
    }

    /// <summary>banking77 train.csv or test.csv: columns Text, Category. Quoted texts may span lines.</summary>
    public static IDataView Banking77(MLContext ml, string dataDir, string file) =>
        ml.Data.LoadFromTextFile<TextCategory>(Path.Combine(dataDir, "banking77", file),
            new TextLoader.Options { HasHeader = true, Separators = [','], AllowQuoting = true, ReadMultilines = true });

    /// <summary>UCI sentiment sentences (e.g. "yelp_labelled.txt"): columns Text, Label (Boolean).</summary>
    public static IDataView Sentiment(MLContext ml, string dataDir, string file) =>
        ml.Data.LoadFromTextFile<TextSentiment>(Path.Combine(dataDir, "uci-sentiment-labelled", file),
            new TextLoader.Options { HasHeader = false, Separators = ['\t'], AllowQuoting = false });
}
