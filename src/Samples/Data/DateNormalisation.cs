using System.Globalization;

namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>A date written by a person, and the same date in ISO 8601 form.</summary>
public sealed class DatePair
{
    /// <summary>The date as written, e.g. "3rd of March, 2021".</summary>
    public string Source { get; set; } = "";

    /// <summary>The normalised date, e.g. "2021-03-03".</summary>
    public string Target { get; set; } = "";
}

/// <summary>
/// Generates a text-normalisation task: dates written in many styles (numeric with various separators and orders,
/// month names and abbreviations, ordinals, weekdays, lower/upper case) mapped to ISO 8601 "yyyy-MM-dd".
/// Reproducible for a seed. Day-first and month-first styles are kept unambiguous by the style itself
/// (for example "03/14/2021" is month-first only when the day is above 12, and numeric styles carry a marker).
/// </summary>
public static class DateNormalisation
{
    private static readonly Func<DateTime, Random, string>[] Styles =
    [
        (d, _) => d.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("MMM d yyyy", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("dd MMM yyyy", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("dddd, d MMMM yyyy", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("ddd MMM d yyyy", CultureInfo.InvariantCulture),
        (d, _) => $"{Ordinal(d.Day)} of {d.ToString("MMMM", CultureInfo.InvariantCulture)}, {d.Year}",
        (d, _) => $"the {Ordinal(d.Day)} of {d.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}",
        (d, _) => d.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture),
        (d, _) => "EU " + d.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
        (d, _) => "US " + d.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        (d, _) => d.ToString("MMMM yyyy, d", CultureInfo.InvariantCulture) + Suffix(d.Day),
    ];

    /// <summary><paramref name="count"/> pairs, reproducible for <paramref name="seed"/>.</summary>
    public static List<DatePair> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var start = new DateTime(1950, 1, 1);
        int days = (new DateTime(2049, 12, 31) - start).Days;
        var pairs = new List<DatePair>(count);
        for (int i = 0; i < count; i++)
        {
            var date = start.AddDays(random.Next(days + 1));
            string text = Styles[random.Next(Styles.Length)](date, random);
            double casing = random.NextDouble();
            if (casing < 0.2) text = text.ToLowerInvariant();
            else if (casing < 0.3) text = text.ToUpperInvariant();
            pairs.Add(new DatePair { Source = text, Target = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        }
        return pairs;
    }

    private static string Ordinal(int day) => day + Suffix(day);

    private static string Suffix(int day) => (day % 100) switch
    {
        11 or 12 or 13 => "th",
        _ => (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" },
    };
}
