using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Delexicalisation, the usual preprocessing of the E2E challenge's systems (TGen among them): the values of chosen
/// slots are replaced by placeholders in the meaning representation and in the reference, the model learns templates,
/// and the placeholders of a generated text are filled back from its meaning representation. It lets a model trained
/// on the development set, which holds only coffee shops serving two kinds of food, write about the pubs, restaurants,
/// cuisines and names of the test set it never saw.
/// </summary>
internal sealed class E2eDelexicaliser
{
    private readonly Dictionary<string, string> _placeholders;

    /// <param name="slots">The slots to delexicalise, e.g. name, near, food, eatType.</param>
    public E2eDelexicaliser(IEnumerable<string> slots)
    {
        _placeholders = slots.ToDictionary(s => s, s => "X" + s.ToUpperInvariant(), StringComparer.Ordinal);
    }

    /// <summary>The slots delexicalised, comma-separated ("none" when none).</summary>
    public string Description => _placeholders.Count == 0 ? "none" : string.Join(',', _placeholders.Keys);

    /// <summary>The meaning representation with placeholders for the chosen slots' values.</summary>
    public string Source(string mr)
    {
        foreach (var (slot, value) in E2eData.Slots(mr))
            if (_placeholders.TryGetValue(slot, out string? placeholder))
                mr = mr.Replace($"{slot}[{value}]", $"{slot}[{placeholder}]", StringComparison.Ordinal);
        return mr;
    }

    /// <summary>The reference with each chosen slot's value (matched case-insensitively) replaced by its placeholder.</summary>
    public string Target(string mr, string reference)
    {
        foreach (var (slot, value) in Values(mr))
            reference = Regex.Replace(reference, Regex.Escape(value), _placeholders[slot], RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return reference;
    }

    /// <summary>A generated text with its placeholders filled from <paramref name="mr"/> ("a" becomes "an" before a vowel).</summary>
    public string Fill(string mr, string generated)
    {
        foreach (var (slot, value) in Values(mr))
        {
            string placeholder = _placeholders[slot];
            generated = generated.Replace(placeholder, value, StringComparison.Ordinal);
            if ("AEIOU".Contains(char.ToUpperInvariant(value[0])))
                generated = Regex.Replace(generated, $@"\b([Aa]) {Regex.Escape(value)}", "$1n " + value.Replace("$", "$$", StringComparison.Ordinal));
        }
        return generated;
    }

    private IEnumerable<(string Slot, string Value)> Values(string mr) =>
        E2eData.Slots(mr).Where(s => _placeholders.ContainsKey(s.Slot) && s.Value.Length > 0)
            .OrderByDescending(s => s.Value.Length);   // longer values first: "Café Rouge" before a shorter name inside it
}
