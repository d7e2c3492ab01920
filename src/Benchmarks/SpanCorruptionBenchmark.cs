using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Span-corruption pretraining of an encoder-decoder on tiny-shakespeare through the ML.NET estimator, three times in
/// child processes: once uninterrupted; once killed (Process.Kill) in the middle of a checkpoint interval; once resumed
/// from the killed run's checkpoint. Prints the denoising loss curve of both and how far apart they are.
/// </summary>
internal sealed class SpanCorruptionBenchmark : IBenchmark
{
    public string Name => "span-corruption";

    public string Description => "span-corruption pretraining on tiny-shakespeare; kill a run mid-way, resume, compare curves";

    public void Run(BenchmarkArgs args)
    {
        if (args.Has("child"))
        {
            Child(args);
            return;
        }
        int steps = args.Int("steps", 600), every = args.Int("checkpoint-every", 100);
        int killAt = args.Int("kill-at", steps / 2 + every / 2);
        string work = Path.Combine(Path.GetTempPath(), "span-corruption-" + Guid.NewGuid().ToString("N")[..8]);
        string whole = Path.Combine(work, "uninterrupted"), killed = Path.Combine(work, "killed");

        var a = Spawn(args, whole, steps, every, killAtStep: null);
        var b = Spawn(args, killed, steps, every, killAtStep: killAt);
        var c = Spawn(args, killed, steps, every, killAtStep: null);
        var first = ReadCurve(Path.Combine(whole, "history.csv"));
        var resumed = ReadCurve(Path.Combine(killed, "history.csv"));

        int window = args.Int("window", 50);
        for (int end = window; end <= steps; end += window)
            Result.Print("span_curve", ("steps", $"{end - window + 1}-{end}"), ("uninterrupted_loss", Mean(first, end - window, end)),
                ("resumed_loss", Mean(resumed, end - window, end)));
        double maxDiff = first.Zip(resumed).Max(p => Math.Abs(p.First - p.Second));
        Result.Print("span_resume", ("killed_at_step", b.LastStep), ("resumed_from_step", c.FirstStep - 1), ("steps", steps),
            ("max_abs_step_loss_diff", maxDiff.ToString("G3", CultureInfo.InvariantCulture)),
            ("val_loss_uninterrupted", a.ValidationLoss), ("val_loss_resumed", c.ValidationLoss));
        Directory.Delete(work, recursive: true);
    }

    private sealed record ChildRun(long FirstStep, long LastStep, double ValidationLoss);

    /// <summary>Runs a child to the end, or kills it once it reports <paramref name="killAtStep"/>.</summary>
    private static ChildRun Spawn(BenchmarkArgs args, string dir, int steps, int every, int? killAtStep)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (string a in new[] { typeof(SpanCorruptionBenchmark).Assembly.Location, "span-corruption", "--child", "--dir", dir,
                     "--steps", Text(steps), "--checkpoint-every", Text(every), "--data-dir", args.DataDir,
                     "--batch", Text(args.Int("batch", 32)), "--width", Text(args.Int("width", 128)) })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        long first = -1, last = 0;
        double validation = double.NaN;
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("STEP ", StringComparison.Ordinal))
            {
                last = long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
                if (first < 0) first = last;
                if (killAtStep is int k && last >= k)
                {
                    process.Kill(entireProcessTree: true);
                    Console.WriteLine($"killed the child (pid {process.Id}) after step {last}; its last checkpoint is at step {last / every * every}");
                    break;
                }
                continue;
            }
            Console.WriteLine("  " + line);
            if (line.StartsWith("VALIDATION ", StringComparison.Ordinal))
                validation = double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
        }
        process.WaitForExit();
        if (killAtStep is null && process.ExitCode != 0)
            throw new InvalidOperationException($"The child run in {dir} failed (exit code {process.ExitCode}).");
        return new ChildRun(first, last, validation);
    }

    /// <summary>One pretraining run (resuming from the checkpoint in --dir when there is one); prints each step.</summary>
    private static void Child(BenchmarkArgs args)
    {
        string dir = args.String("dir", "");
        var (train, validation) = Paragraphs(args.DataDir);
        var ml = new MLContext(1);
        ml.Log += (_, e) =>
        {
            if (e.Kind >= Runtime.ChannelMessageKind.Info && e.Source.Contains("Pretraining", StringComparison.Ordinal)) Console.WriteLine(e.Message);
        };
        var options = new TextPretrainingOptions
        {
            Objective = PretrainingObjective.SpanCorruption,
            Model = new ModelOptions
            {
                ModelDimension = args.Int("width", 128), Heads = 4, EncoderLayers = 2, DecoderLayers = 2,
                FeedForwardDimension = 4 * args.Int("width", 128), Activation = Activation.Gelu, PositionalEncoding = PositionalEncoding.Learned,
                TieEmbeddings = true, MaxLength = 128,
            },
            Tokenizer = new TokenizerOptions { Kind = TokenizerKind.Bytes, MaxLength = 128 },
            Training = new TrainingOptions
            {
                MaxSteps = args.Int("steps", 600), Epochs = 100, BatchSize = args.Int("batch", 32), LearningRate = 1e-3, MinLearningRate = 1e-4,
                WarmupSteps = 50, WeightDecay = 0.1, Seed = 7, CheckpointDirectory = dir, CheckpointEveryNSteps = args.Int("checkpoint-every", 100),
                LogEveryNSteps = 100, Progress = new StepPrinter(), RestoreBestWeights = false,
            },
        };
        var model = ml.Transforms.Text.TransformerPretrainer(options).Fit(ml.Data.LoadFromEnumerable(train.Select(t => new TextRow { Text = t })));
        model.TrainingHistory!.SaveCsv(Path.Combine(dir, "history.csv"));
        var metrics = model.Evaluate(ml.Data.LoadFromEnumerable(validation.Select(t => new TextRow { Text = t })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VALIDATION {metrics.Loss:F4} over {metrics.Tokens} predicted tokens of {metrics.Texts} paragraphs"));
    }

    /// <summary>Speeches of tiny-shakespeare (blank-line separated): the first 90% of the text to train on, 300 of the rest to validate.</summary>
    private static (string[] Train, string[] Validation) Paragraphs(string dataDir)
    {
        string text = File.ReadAllText(Path.Combine(dataDir, "tiny-shakespeare", "input.txt"));
        int split = (int)(0.9 * text.Length);
        static string[] Split(string s) => s.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (Split(text[..split]), Split(text[split..]).Take(300).ToArray());
    }

    private static double[] ReadCurve(string csv) =>
        File.ReadAllLines(csv).Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();

    private static double Mean(double[] xs, int from, int to) => xs[from..Math.Min(to, xs.Length)].Average();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private sealed class StepPrinter : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"STEP {value.Step} {value.Loss:F4}"));
    }
}
