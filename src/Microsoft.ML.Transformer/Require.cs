using System.Globalization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// The one way an option is refused, by every layer: the exception's <see cref="ArgumentException.ParamName"/> is the
/// option (the property) itself, and its message says what was expected and what was found. It sits at the root of
/// the library so that <c>Training</c>, <c>Generation</c> and <c>MLNet</c> can all use it without any lower layer
/// reaching into <c>MLNet</c>.
/// </summary>
internal static class Require
{
    /// <summary>
    /// Throws an <see cref="ArgumentOutOfRangeException"/> "<paramref name="option"/> must be <paramref name="expected"/>;
    /// found <paramref name="found"/>." unless <paramref name="ok"/>.
    /// </summary>
    /// <param name="ok">Whether the value is acceptable.</param>
    /// <param name="option">The option's name, as the user sets it ("ScoringBatchSize", or "Tokenizer.MaxLength" for a nested one).</param>
    /// <param name="expected">What the option must be, finishing "must be …" ("at least 1", "in (0, 1)").</param>
    /// <param name="found">The value that was set.</param>
    public static void That(bool ok, string option, string expected, object? found)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(option, found, $"{option} must be {expected}; found {Show(found)}.");
    }

    /// <summary>Throws as <see cref="That"/> unless <paramref name="min"/> ≤ <paramref name="value"/> ≤ <paramref name="max"/>.</summary>
    public static void InRange(int value, int min, int max, string option) =>
        That(value >= min && value <= max, option, $"between {min:N0} and {max:N0}", value);

    /// <summary>Throws an <see cref="ArgumentException"/> unless <paramref name="value"/> has a non-blank name of <paramref name="what"/> ("a text column").</summary>
    public static void Name(string? value, string option, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{option} must name {what}; found {Show(value)}.", option);
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="option"/> with <paramref name="message"/> unless
    /// <paramref name="ok"/>: for rules between options, where no single range says what was expected.
    /// </summary>
    public static void Holds(bool ok, string option, string message)
    {
        if (!ok)
            throw new ArgumentException(message, option);
    }

    /// <summary>A value as a message shows it: invariant numbers, quoted text, "null".</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => s.Length == 0 ? "an empty name" : $"'{s}'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };
}
