using System.Text;

namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>A context, a question about it, and the answer: its text and the index of its first character in the context.</summary>
public sealed class AnsweredQuestion
{
    /// <summary>The text the answer is found in.</summary>
    public string Context { get; set; } = "";

    /// <summary>The question.</summary>
    public string Question { get; set; } = "";

    /// <summary>The answer, as it appears in the context.</summary>
    public string Answer { get; set; } = "";

    /// <summary>The index of the answer's first character in the context.</summary>
    public int AnswerStart { get; set; }
}

/// <summary>
/// Generates short descriptions of fictional restaurants (its name, food, area, price and a place nearby, in shuffled
/// sentences among facts that answer nothing) with a question about one of the facts. Names and nearby places come from
/// one list, so "What is The Mill near?" is answered by reading the sentences, not by knowing the values. Reproducible
/// for a seed; made here, not copied from any data set.
/// </summary>
public static class RestaurantQuestions
{
    private static readonly string[] Prices = ["cheap", "moderately priced", "expensive", "good value"];

    private static readonly string[] Fillers =
    [
        "The staff are friendly.", "Tables can be booked by phone.", "It opened a few years ago.", "Parking is easy in the evening.",
        "Many visitors come back.", "The rooms are quiet.", "It is open every day.", "Groups are welcome.",
    ];

    /// <summary>Per fact: the sentences stating it (the value's placeholder is the answer) and the questions asking for it.</summary>
    private static readonly (string Slot, string[] Sentences, string[] Questions)[] Facts =
    [
        ("food", ["{name} serves {food} food.", "The menu at {name} is {food}."], ["What food does {name} serve?", "What kind of food is served at {name}?"]),
        ("area", ["{name} is in the {area}.", "You will find {name} in the {area}."], ["Where is {name}?", "In which area is {name}?"]),
        ("near", ["{name} is near {near}.", "{name} is close to {near}."], ["What is {name} near?", "Which place is {name} close to?"]),
        ("price", ["{name} is {price}.", "Prices at {name} are {price}."], ["How expensive is {name}?", "What are the prices at {name} like?"]),
    ];

    /// <summary>
    /// <paramref name="count"/> questions for <paramref name="seed"/>, each context holding up to
    /// <paramref name="fillers"/> sentences that answer nothing besides its four facts.
    /// </summary>
    public static AnsweredQuestion[] Generate(int count, int seed, int fillers = 2)
    {
        var rng = new Random(seed);
        var rows = new AnsweredQuestion[count];
        for (int i = 0; i < count; i++)
        {
            var values = new Dictionary<string, string>
            {
                ["name"] = RestaurantEntities.Names[rng.Next(RestaurantEntities.Names.Length)],
                ["food"] = RestaurantEntities.Foods[rng.Next(RestaurantEntities.Foods.Length)],
                ["area"] = RestaurantEntities.Areas[rng.Next(RestaurantEntities.Areas.Length)],
                ["price"] = Prices[rng.Next(Prices.Length)],
            };
            do values["near"] = RestaurantEntities.Names[rng.Next(RestaurantEntities.Names.Length)];
            while (values["near"] == values["name"]);
            var sentences = Facts.Select(f => (f.Slot, Shape: f.Sentences[rng.Next(f.Sentences.Length)]))
                .Concat(Enumerable.Range(0, rng.Next(fillers + 1)).Select(_ => ("", Fillers[rng.Next(Fillers.Length)])))
                .OrderBy(_ => rng.Next()).ToArray();
            var asked = Facts[rng.Next(Facts.Length)];
            rows[i] = Build(sentences, values, asked.Slot, asked.Questions[rng.Next(asked.Questions.Length)]);
        }
        return rows;
    }

    /// <summary>The context written from the shapes; the answer is where the asked slot's value is written.</summary>
    private static AnsweredQuestion Build((string Slot, string Shape)[] sentences, Dictionary<string, string> values, string asked, string question)
    {
        var context = new StringBuilder();
        int answerStart = -1;
        foreach (var (slot, shape) in sentences)
        {
            if (context.Length > 0) context.Append(' ');
            string text = shape.Replace("{name}", values["name"]);
            if (slot.Length > 0)
            {
                int at = text.IndexOf('{');
                string value = values[slot];
                if (slot == asked) answerStart = context.Length + at;
                text = text.Replace("{" + slot + "}", value);
            }
            context.Append(text);
        }
        return new AnsweredQuestion
        {
            Context = context.ToString(),
            Question = question.Replace("{name}", values["name"]),
            Answer = values[asked],
            AnswerStart = answerStart,
        };
    }
}
