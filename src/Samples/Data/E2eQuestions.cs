namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>
/// Question-answering rows derived from the E2E NLG references (real restaurant descriptions written by people): for
/// each slot of a reference's meaning representation whose value appears verbatim in the reference (the places
/// <see cref="E2eEntities"/> labels as entities), a templated question about the restaurant asks for that slot ("What
/// food does The Eagle serve?"), and the answer is the value where it first appears in the reference, in the
/// reference's own casing. References <see cref="E2eEntities"/> leaves out as ambiguous are left out here too, and so is
/// every slot the writer paraphrased. The split is <see cref="E2eEntities"/>'s: by meaning representation.
/// </summary>
public static class E2eQuestions
{
    /// <summary>The question asked for each slot; {name} is the restaurant's name.</summary>
    private static readonly Dictionary<string, string> Questions = new(StringComparer.Ordinal)
    {
        ["name"] = "What is the place called?",
        ["near"] = "What is {name} near?",
        ["food"] = "What food does {name} serve?",
        ["area"] = "In which area is {name}?",
        ["eatType"] = "What kind of place is {name}?",
        ["priceRange"] = "What is the price range of {name}?",
        ["customer rating"] = "How do customers rate {name}?",
    };

    /// <summary>The question rows of both files in <paramref name="folder"/>, split by meaning representation.</summary>
    public static (AnsweredQuestion[] Train, AnsweredQuestion[] Test) Load(string folder, int testPercent = 20) =>
        E2eEntities.Derive(folder, testPercent, byName: false, Ask);

    /// <summary>One question for each slot found verbatim in <paramref name="reference"/>; none when it is ambiguous.</summary>
    public static IEnumerable<AnsweredQuestion> Ask(string mr, string reference)
    {
        if (E2eEntities.Spans(mr, reference) is not { } spans)
            return [];
        string name = E2eEntities.Name(mr).Trim();
        return spans.GroupBy(s => s.Slot).Select(g => g.First())
            .Where(s => name.Length > 0 || s.Slot == "name")
            .Select(s => new AnsweredQuestion
            {
                Context = reference,
                Question = Questions[s.Slot].Replace("{name}", name),
                Answer = reference.Substring(s.Start, s.Length),
                AnswerStart = s.Start,
            });
    }
}
