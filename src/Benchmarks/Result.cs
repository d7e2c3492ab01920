using System.Globalization;
using System.Text;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>Prints "RESULT name key=value ..." lines, the form every benchmark here and every peer uses.</summary>
internal static class Result
{
    public static void Print(string name, params (string Key, object Value)[] fields)
    {
        var sb = new StringBuilder("RESULT ").Append(name);
        foreach (var (key, value) in fields)
            sb.Append(' ').Append(key).Append('=').Append(Format(value));
        Console.WriteLine(sb.ToString());
        Console.Out.Flush();
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString(Math.Abs(d) >= 100 ? "F0" : "G4", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString(Math.Abs(f) >= 100 ? "F0" : "G4", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Median of a non-empty list.</summary>
    public static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
