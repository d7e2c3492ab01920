namespace Microsoft.ML.Transformer.Samples.Data;

/// <summary>A customer-support request and the intent it expresses.</summary>
public sealed class SupportRequest
{
    /// <summary>What the customer wrote.</summary>
    public string Text { get; set; } = "";

    /// <summary>The intent, e.g. "lost_card".</summary>
    public string Intent { get; set; } = "";
}

/// <summary>
/// Generates realistic customer-support requests for a fictional bank and shop: ten intents, each written in many
/// ways (templates × fillers × openings × closings × occasional typos and casing), reproducibly for a seed.
/// The sample data of this project is made here, not copied from any data set.
/// </summary>
public static class SupportRequests
{
    private static readonly Dictionary<string, string[]> Templates = new()
    {
        ["lost_card"] =
        [
            "I lost my {card} {when}", "my {card} was stolen {when}", "I can't find my {card} anywhere",
            "someone took my wallet with my {card}", "please block my {card}, I think I lost it",
            "what do I do if my {card} is missing", "my {card} disappeared {when}, can you freeze it",
        ],
        ["check_balance"] =
        [
            "how much money is in my {account}", "what is my current {account} balance", "show me the balance of my {account}",
            "can you tell me how much I have in {account}", "I need to know my balance {when}", "balance check on my {account} please",
        ],
        ["reset_password"] =
        [
            "I forgot my password", "I can't log in to the {app}", "how do I reset my password for the {app}",
            "my login stopped working {when}", "the {app} says my password is wrong", "locked out of my account after too many tries",
        ],
        ["refund_status"] =
        [
            "where is my refund for {item}", "I returned {item} {when} and got no refund yet", "when will I get my money back for {item}",
            "refund for order {order} still not here", "has my refund for {item} been processed",
        ],
        ["delivery_delay"] =
        [
            "my {item} has not arrived", "order {order} is late", "the delivery of {item} was supposed to come {when}",
            "where is my package with {item}", "tracking for {order} has not moved in days", "still waiting for {item}",
        ],
        ["change_address"] =
        [
            "I moved and need to update my address", "please change my delivery address to {city}", "how can I change the address on my {account}",
            "update my postal address, I now live in {city}", "my address is wrong on order {order}",
        ],
        ["billing_error"] =
        [
            "I was charged twice for {item}", "there is a payment on my {account} I don't recognise", "wrong amount charged for order {order}",
            "why was I billed {amount} {when}", "a fee of {amount} appeared on my {account}", "double charge on my {card}",
        ],
        ["cancel_order"] =
        [
            "please cancel order {order}", "I want to cancel my order for {item}", "can I still cancel {item}, I ordered it {when}",
            "stop my order {order}, I don't need it anymore", "cancel the {item} I just bought",
        ],
        ["upgrade_plan"] =
        [
            "I want to upgrade to the premium plan", "how much does the {plan} plan cost", "can I switch my subscription to {plan}",
            "what do I get with the {plan} plan", "move me to a bigger plan please", "upgrade my {account} to {plan}",
        ],
        ["close_account"] =
        [
            "I want to close my {account}", "how do I delete my account", "please terminate my {account}, I am leaving",
            "close everything, I'm moving to another bank", "cancel my membership and close the {account}",
        ],
    };

    private static readonly Dictionary<string, string[]> Fillers = new()
    {
        ["card"] = ["card", "debit card", "credit card", "visa card", "bank card", "mastercard"],
        ["when"] = ["yesterday", "this morning", "last week", "two days ago", "today", "on monday", "last night"],
        ["account"] = ["account", "savings account", "checking account", "joint account", "business account"],
        ["app"] = ["app", "website", "mobile app", "online banking", "portal"],
        ["item"] = ["the headphones", "my laptop", "the blue jacket", "a phone case", "the coffee machine", "my shoes", "the desk lamp"],
        ["order"] = ["#48213", "#10977", "#55120", "#73005", "#31416", "#90210"],
        ["city"] = ["Lyon", "Berlin", "Leeds", "Porto", "Denver", "Osaka", "Cork"],
        ["amount"] = ["$12.99", "$45", "€30", "£7.50", "$120", "€9.99"],
        ["plan"] = ["premium", "family", "business", "gold", "pro"],
    };

    private static readonly string[] Openings = ["", "", "", "hi, ", "hello, ", "hey ", "good morning, ", "excuse me, ", "urgent: "];
    private static readonly string[] Closings = ["", "", "", " thanks", " please help", "!", "?", " asap", ". thank you"];

    /// <summary>The intents, in a fixed order.</summary>
    public static IReadOnlyList<string> Intents { get; } = Templates.Keys.ToArray();

    /// <summary><paramref name="count"/> labelled requests, balanced over intents, reproducible for <paramref name="seed"/>.</summary>
    public static List<SupportRequest> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<SupportRequest>(count);
        for (int i = 0; i < count; i++)
        {
            string intent = Intents[i % Intents.Count];
            rows.Add(new SupportRequest { Text = Write(intent, random), Intent = intent });
        }
        // Shuffle so that intents are not interleaved in a fixed pattern.
        for (int i = rows.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
        return rows;
    }

    /// <summary>Unlabelled request texts (for pretraining), reproducible for <paramref name="seed"/>.</summary>
    public static IEnumerable<string> Unlabelled(int count, int seed) => Generate(count, seed).Select(r => r.Text);

    private static string Write(string intent, Random random)
    {
        string[] templates = Templates[intent];
        string text = templates[random.Next(templates.Length)];
        foreach (var (slot, values) in Fillers)
            while (text.Contains("{" + slot + "}", StringComparison.Ordinal))
            {
                int at = text.IndexOf("{" + slot + "}", StringComparison.Ordinal);
                text = text[..at] + values[random.Next(values.Length)] + text[(at + slot.Length + 2)..];
            }
        text = Openings[random.Next(Openings.Length)] + text + Closings[random.Next(Closings.Length)];
        if (random.NextDouble() < 0.15)
            text = Typo(text, random);
        if (random.NextDouble() < 0.3)
            text = char.ToUpperInvariant(text[0]) + text[1..];
        return text;
    }

    /// <summary>Swaps two neighbouring letters, as hurried typists do.</summary>
    private static string Typo(string text, Random random)
    {
        if (text.Length < 4) return text;
        int at = random.Next(1, text.Length - 2);
        if (!char.IsLetter(text[at]) || !char.IsLetter(text[at + 1])) return text;
        var chars = text.ToCharArray();
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        return new string(chars);
    }
}
