using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>Loads a user's own CSV or TSV file (a header row naming the columns) as text columns.</summary>
public static class UserData
{
    /// <summary>
    /// Loads the named columns of <paramref name="path"/> as String columns of the same names. The separator is a tab
    /// for .tsv/.tab files and a comma otherwise; fields may be quoted and span lines.
    /// </summary>
    public static IDataView Load(MLContext ml, string path, params string[] columns)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"--data file '{path}' does not exist.", path);
        char separator = Path.GetExtension(path).ToLowerInvariant() is ".tsv" or ".tab" ? '\t' : ',';
        string header = File.ReadLines(path).FirstOrDefault() ?? throw new InvalidDataException($"'{path}' is empty.");
        string[] names = header.Split(separator).Select(n => n.Trim().Trim('"')).ToArray();
        var loaderColumns = columns.Select(c =>
        {
            int index = Array.FindIndex(names, n => string.Equals(n, c, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
                throw new ArgumentException($"Column '{c}' is not in the header of '{path}'. Columns there: {string.Join(", ", names)}.");
            return new TextLoader.Column(c, DataKind.String, index);
        }).ToArray();
        return ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = loaderColumns,
            HasHeader = true,
            Separators = [separator],
            AllowQuoting = true,
            ReadMultilines = true,
        }).Load(path);
    }
}
