using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// nanoGPT's CPU configuration on tiny-shakespeare with the library's parts (byte tokenizer on ASCII text, packed causal
/// stream, TextNetwork, TrainingLoop), against the PyTorch peer ../shared/bench/charlm_reference.py: the full
/// run's validation loss (200 random batches of the last 10%, as the peer measures it), then training speed of ours and
/// the peer's measured alternately, segment by segment, in the same run.
/// </summary>
internal sealed class CharLmBenchmark : IBenchmark
{
    private const int Layers = 4, Heads = 4, Width = 128, Block = 64, Batch = 12;

    public string Name => "charlm";

    public string Description => "character-level GPT on tiny-shakespeare (nanoGPT CPU config) vs the PyTorch peer";

    public void Run(BenchmarkArgs args)
    {
        int steps = args.Int("steps", 2000), seed = args.Int("seed", 1337);
        torch.set_num_threads(2);
        string text = File.ReadAllText(Path.Combine(args.DataDir, "tiny-shakespeare", "input.txt"));
        int split = (int)(0.9 * text.Length);
        var run = new CharLmRun(text[..split], text[split..], seed);
        Console.WriteLine($"load before: {Load()}");

        var full = run.Train(steps, evaluateEvery: args.Int("eval-interval", 250));
        double valLoss = run.Estimate(full.Model, run.Validation, args.Int("eval-batches", 200));
        Result.Print("charlm", ("impl", "torchsharp"), ("final_val_loss", valLoss.ToString("F4", CultureInfo.InvariantCulture)),
            ("train_seconds", full.TrainSeconds), ("tokens_per_s", full.TokensPerSecond), ("params", full.Model.ParameterCount));
        var metrics = run.Evaluate(full.Model);
        Result.Print("charlm_eval", ("impl", "torchsharp"), ("split", "val"), ("windows", "consecutive"),
            ("loss", metrics.Loss.ToString("F4", CultureInfo.InvariantCulture)), ("bits_per_char", metrics.BitsPerCharacter!.Value.ToString("F4", CultureInfo.InvariantCulture)),
            ("tokens", metrics.Tokens));
        Console.WriteLine("sample (temperature 0.8):\n" + run.Sample(full.Model, "ROMEO:", args.Int("sample-chars", 300)));
        full.Model.Dispose();
        Console.WriteLine($"load after full run: {Load()}");

        if (args.Has("skip-peer")) return;
        int rounds = args.Int("rounds", 3), segment = args.Int("segment-steps", 200);
        var ours = new List<double>();
        var peer = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var piece = run.Train(segment, evaluateEvery: 0);
            piece.Model.Dispose();
            ours.Add(piece.TokensPerSecond);
            peer.Add(Peer(segment, seed, args));
            Result.Print("charlm_speed_round", ("round", r + 1), ("steps", segment), ("torchsharp_tokens_per_s", ours[^1]),
                ("pytorch_tokens_per_s", peer[^1]), ("load", Load()));
        }
        Result.Print("charlm_speed", ("torchsharp_tokens_per_s", Result.Median(ours)), ("pytorch_tokens_per_s", Result.Median(peer)),
            ("ratio", Result.Median(ours) / Result.Median(peer)), ("rounds", rounds), ("load", Load()));
    }

    /// <summary>The peer's training tokens/s over <paramref name="steps"/> steps, run as a child process.</summary>
    private static double Peer(int steps, int seed, BenchmarkArgs args)
    {
        string root = RepoRoot.Find();
        string script = args.String("peer-script", Path.GetFullPath(Path.Combine(root, "..", "shared", "bench", "charlm_reference.py")));
        var info = new ProcessStartInfo(args.String("python", "/usr/bin/python3")) { WorkingDirectory = root, RedirectStandardOutput = true };
        foreach (string a in new[] { script, "--iters", steps.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
                     "--eval-interval", "1000000", "--data", Path.Combine(args.DataDir, "tiny-shakespeare", "input.txt") })
            info.ArgumentList.Add(a);
        info.Environment["OPENBLAS_CORETYPE"] = "SKYLAKEX";
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string line = output.Split('\n').LastOrDefault(l => l.Contains("final_val_loss=", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The peer printed no result (exit code {process.ExitCode}):\n{output}");
        string value = line.Split(' ').Single(f => f.StartsWith("tokens_per_s=", StringComparison.Ordinal))["tokens_per_s=".Length..];
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The 1-, 5- and 15-minute load averages.</summary>
    private static string Load() => File.Exists("/proc/loadavg") ? string.Join("/", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The network of the configuration: GPT-2 shaped, decoder-only, no dropout, learned positions, tied embeddings.</summary>
    internal static ModelOptions Model(int vocabulary) => new()
    {
        VocabularySize = vocabulary,
        ModelDimension = Width,
        Heads = Heads,
        EncoderLayers = 0,
        DecoderLayers = Layers,
        FeedForwardDimension = 4 * Width,
        Activation = Activation.Gelu,
        NormPlacement = NormPlacement.PreNorm,
        PositionalEncoding = PositionalEncoding.Learned,
        TieEmbeddings = true,
        ScaleEmbeddings = false,
        MaxLength = Block,
        EmbeddingDropout = 0,
        AttentionDropout = 0,
        ResidualDropout = 0,
        FeedForwardDropout = 0,
    };

    /// <summary>AdamW lr 1e-3, betas 0.9/0.99, decay 0.1, 100 warm-up steps, cosine to 1e-4, clipping 1.0.</summary>
    internal static TrainingOptions Training(long steps, int seed) => new()
    {
        MaxSteps = steps,
        Epochs = 1000,
        BatchSize = Batch,
        LearningRate = 1e-3,
        MinLearningRate = 1e-4,
        Schedule = LearningRateScheduleKind.Cosine,
        WarmupSteps = 100,
        WeightDecay = 0.1,
        AdamBeta1 = 0.9,
        AdamBeta2 = 0.99,
        GradientClipNorm = 1.0,
        Seed = seed,
        LogEveryNSteps = 250,
        RestoreBestWeights = false,
    };

    internal const int BlockSize = Block, BatchSize = Batch;
}
