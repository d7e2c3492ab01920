using Microsoft.ML.Transformer.MLNet.Tagging;

namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>A sentence and the label of each of its words (as <see cref="EntityWords.Split"/> cuts them).</summary>
public sealed class TaggedSentence
{
    /// <summary>The sentence.</summary>
    public string Text { get; set; } = "";

    /// <summary>One label per word: O, B-type or I-type (IO labels: O or I-type).</summary>
    public string[] Tags { get; set; } = [];
}

/// <summary>
/// Generates sentences about fictional restaurants with four kinds of entity: the restaurant's name, its food, its
/// area and a place it is near. Names and places come from one list, so whether "The Golden Lion" is a name or a
/// "near" depends on the words around it, not on the words themselves. Reproducible for a seed; made here, not
/// copied from any data set.
/// </summary>
public static class RestaurantEntities
{
    internal static readonly string[] Names =
    [
        "The Golden Lion", "Blue Spice", "Café Rouge", "The Mill", "Green Man", "The Punter", "Zizzi", "Red Fox Inn",
        "The Olive Tree", "Bibimbap House", "Clowns", "The Wrestlers", "Loch Fyne", "Strada", "The Plough", "Aromi",
    ];

    internal static readonly string[] Foods = ["Italian", "Chinese", "Indian", "French", "Japanese", "English", "fast food", "Greek"];

    internal static readonly string[] Areas = ["riverside", "city centre", "old town", "harbour"];

    private static readonly string[] Shapes =
    [
        "{name} is a {food} restaurant in the {area} near {near}.",
        "Near {near} in the {area}, {name} serves {food} dishes.",
        "{name} serves {food} food near {near}.",
        "There is a {food} place called {name} in the {area}.",
        "In the {area} you will find {name}, a {food} venue close to {near}.",
        "If you like {food} food, try {name} by {near}.",
        "{name}, near {near}, is in the {area}.",
    ];

    /// <summary><paramref name="count"/> sentences for <paramref name="seed"/>, labelled BIO (or IO with <paramref name="io"/>).</summary>
    public static TaggedSentence[] Generate(int count, int seed, bool io = false)
    {
        var rng = new Random(seed);
        var rows = new TaggedSentence[count];
        for (int i = 0; i < count; i++)
        {
            string name = Names[rng.Next(Names.Length)], near = Names[rng.Next(Names.Length)];
            var values = new Dictionary<string, string>
            {
                ["name"] = name,
                ["near"] = near,
                ["food"] = Foods[rng.Next(Foods.Length)],
                ["area"] = Areas[rng.Next(Areas.Length)],
            };
            rows[i] = Fill(Shapes[rng.Next(Shapes.Length)], values, io);
        }
        return rows;
    }

    /// <summary>The shape with its placeholders filled, and each filled value labelled as an entity of the placeholder's type.</summary>
    private static TaggedSentence Fill(string shape, Dictionary<string, string> values, bool io)
    {
        var text = new System.Text.StringBuilder();
        var entities = new List<(int, int, string)>();
        int at = 0;
        while (at < shape.Length)
        {
            int open = shape.IndexOf('{', at);
            if (open < 0)
            {
                text.Append(shape, at, shape.Length - at);
                break;
            }
            int close = shape.IndexOf('}', open);
            text.Append(shape, at, open - at);
            string type = shape[(open + 1)..close], value = values[type];
            entities.Add((text.Length, value.Length, type));
            text.Append(value);
            at = close + 1;
        }
        string sentence = text.ToString();
        return new TaggedSentence { Text = sentence, Tags = EntityWords.Labels(sentence, entities, io) };
    }
}
