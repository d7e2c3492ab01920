using System.Globalization;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Samples;

/// <summary>The command line of the samples: a scenario, then "--name value" options.</summary>
public sealed class SampleSettings
{
    /// <summary>classify, pretrain, generate, embed, attention, similarity, ner, qa, or main (the default: the whole journey).</summary>
    public string Scenario { get; init; } = "main";

    /// <summary>A CSV/TSV file of the user's own (--data); null uses generated data.</summary>
    public string? DataPath { get; init; }

    /// <summary>The text column of <see cref="DataPath"/> (--text-column).</summary>
    public string TextColumn { get; init; } = "Text";

    /// <summary>The label column of <see cref="DataPath"/> for classify (--label-column).</summary>
    public string LabelColumn { get; init; } = "Label";

    /// <summary>The source column of <see cref="DataPath"/> for generate: the text to generate from (--source-column).</summary>
    public string SourceColumn { get; init; } = "Source";

    /// <summary>The target column of <see cref="DataPath"/> for generate: the text to learn to write (--target-column).</summary>
    public string TargetColumn { get; init; } = "Target";

    /// <summary>Where models, charts and pictures are written (--out).</summary>
    public string OutputDirectory { get; init; } = Path.Combine(Directory.GetCurrentDirectory(), "sample-output");

    /// <summary>cpu or cuda (--device).</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>Tiny data and models, for the tests that keep the samples from rotting (--tiny).</summary>
    public bool Tiny { get; init; }

    /// <summary>Passes over the data (--epochs); 0 keeps each scenario's default.</summary>
    public int Epochs { get; init; }

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> naming a bad option.</summary>
    public static SampleSettings Parse(string[] args)
    {
        string scenario = "main";
        int start = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
            (scenario, start) = (args[0], 1);
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (int i = start; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{args[i]}': options are written --name value.");
            string name = args[i][2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            options[name] = value;
        }
        string? Get(string name) => options.TryGetValue(name, out var v) ? v ?? throw new ArgumentException($"--{name} needs a value.") : null;
        var known = new[] { "data", "text-column", "label-column", "source-column", "target-column", "out", "device", "tiny", "epochs" };
        foreach (string name in options.Keys)
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Unknown option --{name}. Known: {string.Join(", ", known.Select(k => "--" + k))}.");

        return new SampleSettings
        {
            Scenario = scenario,
            DataPath = Get("data"),
            TextColumn = Get("text-column") ?? "Text",
            LabelColumn = Get("label-column") ?? "Label",
            SourceColumn = Get("source-column") ?? "Source",
            TargetColumn = Get("target-column") ?? "Target",
            OutputDirectory = Path.GetFullPath(Get("out") ?? "sample-output"),
            Device = (Get("device") ?? "cpu").ToLowerInvariant() switch
            {
                "cpu" => ComputeDevice.Cpu,
                "cuda" => ComputeDevice.Cuda,
                "auto" => ComputeDevice.Auto,
                var d => throw new ArgumentException($"--device must be cpu, cuda or auto; got '{d}'."),
            },
            Tiny = options.ContainsKey("tiny"),
            Epochs = Get("epochs") is { } e ? int.Parse(e, CultureInfo.InvariantCulture) : 0,
        };
    }
}
