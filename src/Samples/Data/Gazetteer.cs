using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>
/// The simplest entity tagger, a baseline: it remembers every entity of the training rows (its words, ignoring case,
/// and the type it had most often) and labels any later run of words that matches one, longest match first.
/// </summary>
public sealed class Gazetteer
{
    private readonly Dictionary<string, string> _types;
    private readonly int _longest;

    private Gazetteer(Dictionary<string, string> types, int longest) => (_types, _longest) = (types, longest);

    /// <summary>Learns the entities of <paramref name="rows"/>.</summary>
    public static Gazetteer Learn(IEnumerable<TaggedSentence> rows)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        int longest = 1;
        foreach (var row in rows)
        {
            var words = EntityWords.Split(row.Text);
            foreach (var chunk in EntitySpans.Chunks(row.Tags))
            {
                string key = Key(words, chunk.FirstWord, chunk.WordCount);
                var types = counts.TryGetValue(key, out var t) ? t : counts[key] = new Dictionary<string, int>(StringComparer.Ordinal);
                types[chunk.Type] = types.GetValueOrDefault(chunk.Type) + 1;
                longest = Math.Max(longest, chunk.WordCount);
            }
        }
        return new Gazetteer(counts.ToDictionary(c => c.Key, c => c.Value.MaxBy(t => t.Value).Key, StringComparer.Ordinal), longest);
    }

    /// <summary>The BIO label of each word of <paramref name="text"/>.</summary>
    public string[] Tag(string text)
    {
        var words = EntityWords.Split(text);
        var labels = Enumerable.Repeat(EntitySpans.Outside, words.Length).ToArray();
        for (int i = 0; i < words.Length;)
        {
            int length = Math.Min(_longest, words.Length - i);
            while (length > 0 && !_types.ContainsKey(Key(words, i, length))) length--;
            if (length == 0)
            {
                i++;
                continue;
            }
            string type = _types[Key(words, i, length)];
            for (int w = 0; w < length; w++) labels[i + w] = (w == 0 ? "B-" : "I-") + type;
            i += length;
        }
        return labels;
    }

    private static string Key(EntityWord[] words, int first, int count) =>
        string.Join(' ', words.Skip(first).Take(count).Select(w => w.Text.ToLowerInvariant()));
}
