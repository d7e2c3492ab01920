using System.Text;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

/// <summary>banking77 texts and the tokenizer learned from them, for the checks that need the real data set (<see cref="TestPaths.SharedDataCategory"/>).</summary>
internal static class Banking77
{
    private static readonly Lazy<(string[] Texts, string[] Labels)> TrainRows = new(() => Read(TestPaths.SharedFile("banking77", "train.csv")));
    private static readonly Lazy<(string[] Texts, string[] Labels)> TestRows = new(() => Read(TestPaths.SharedFile("banking77", "test.csv")));
    private static readonly Lazy<TextTokenizer> Learned = new(() => TextTokenizer.Learn(Train, 8000, 50_000, seed: 1));

    public static string[] Train => TrainRows.Value.Texts;
    public static string[] Test => TestRows.Value.Texts;

    /// <summary>Byte-level BPE, 8,000 entries, learned from the training split.</summary>
    public static TextTokenizer LearnedBpe => Learned.Value;

    /// <summary>Reads "text,category" rows: a header, CRLF line ends, quoted fields with "" escapes.</summary>
    private static (string[], string[]) Read(string path)
    {
        var texts = new List<string>();
        var labels = new List<string>();
        var fields = new List<string>();
        var field = new StringBuilder();
        string all = File.ReadAllText(path);
        bool quoted = false, header = true;
        for (int i = 0; i <= all.Length; i++)
        {
            char c = i < all.Length ? all[i] : '\n';
            if (quoted)
            {
                if (c == '"' && i + 1 < all.Length && all[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                if (!header && fields.Count == 2) { texts.Add(fields[0]); labels.Add(fields[1]); }
                header = false;
                fields.Clear();
            }
            else field.Append(c);
        }
        return ([.. texts], [.. labels]);
    }
}
