using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Data-to-text generation on E2E NLG through the ML.NET text generator: train on devset.csv (4,672 pairs), generate
/// for the 630 meaning representations of testset_w_refs.csv, score against all of their references (sacreBLEU's
/// corpus BLEU, chrF, ROUGE-L). From scratch, or from a saved model with --base path.zip.
/// </summary>
internal sealed class E2eBenchmark : IBenchmark
{
    public string Name => "e2e";

    public string Description => "train a text generator on E2E NLG (dev set), BLEU/chrF/ROUGE-L on the test set (--base zip | --pretrain-steps N, --delex slots|none, --decoding greedy,beam4[,greedy-bf16,...])";

    public void Run(BenchmarkArgs args)
    {
        var ml = new MLContext(seed: 1);
        string folder = Path.Combine(args.DataDir, "e2e-nlg");
        var delex = new E2eDelexicaliser(args.String("delex", "name,near,food,eatType") is var slots && slots == "none" ? [] : slots.Split(','));
        var train = E2eData.Pairs(ml, Path.Combine(folder, "devset.csv"))
            .Select(p => new E2eData.Pair { Source = delex.Source(p.Source), Target = delex.Target(p.Source, p.Target) }).ToArray();
        var test = E2eData.Group(E2eData.Pairs(ml, Path.Combine(folder, "testset_w_refs.csv")));
        Console.WriteLine($"E2E: {train.Length} training pairs, {test.Length} test meaning representations " +
            $"({test.Sum(t => t.References.Length)} references); delexicalised slots: {delex.Description}.");

        string? basePath = args.Has("base") ? Path.GetFullPath(args.String("base", "")) : null;
        var options = Options(args, basePath);
        if (args.Has("verbose"))
            ml.Log += (_, e) => { if (e.Kind == Runtime.ChannelMessageKind.Info) Console.WriteLine(e.Message); };
        bool pretrained = basePath is not null;
        if (basePath is null && args.Int("pretrain-steps", 0) > 0)
        {
            options.BaseModel = Pretrain(ml, args, options, train);
            pretrained = true;
        }
        var clock = Stopwatch.StartNew();
        var model = ml.Transforms.Text.TransformerTextGenerator(options).Fit(ml.Data.LoadFromEnumerable(train));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"Trained in {trainSeconds:F0} s.");

        var testView = ml.Data.LoadFromEnumerable(test.Select(t => new E2eData.Grouped { Source = delex.Source(t.Source), References = t.References }));
        var outputs = new Dictionary<string, string[]>();
        foreach (string decoding in args.String("decoding", "greedy,beam4").Split(','))
        {
            // "greedy", "beam4", …; a "-bf16" suffix decodes with DecodingOptions.Precision = BFloat16.
            string search = decoding.EndsWith("-bf16", StringComparison.Ordinal) ? decoding[..^"-bf16".Length] : decoding;
            var chosen = search == "greedy"
                ? options.Decoding
                : options.Decoding with { Strategy = DecodingStrategy.Beam, BeamWidth = int.Parse(search["beam".Length..], System.Globalization.CultureInfo.InvariantCulture) };
            var generator = model.WithDecoding(search == decoding ? chosen : chosen with { Precision = Precision.BFloat16 });
            clock.Restart();
            var generated = ml.Data.CreateEnumerable<Output>(generator.Transform(testView), reuseRowObject: false)
                .Select((o, i) => new Scored { Generated = delex.Fill(test[i].Source, o.Generated), References = test[i].References })
                .ToArray();
            double generateSeconds = clock.Elapsed.TotalSeconds;
            var metrics = ml.TextGeneration().Evaluate(ml.Data.LoadFromEnumerable(generated), referenceColumnName: "References");
            for (int i = 0; i < 3; i++)
                Console.WriteLine($"  {test[i].Source}\n    → {generated[i].Generated}");
            Console.WriteLine($"  {metrics.BleuDetails}");
            outputs[decoding] = generated.Select(g => g.Generated).ToArray();
            if (search != decoding && outputs.TryGetValue(search, out var float32))
                Result.Print("generate_bf16_agreement", ("dataset", "e2e"), ("decoding", search),
                    ("identical_outputs", outputs[decoding].Zip(float32).Count(p => p.First == p.Second)), ("outputs", float32.Length));
            Result.Print("generate", ("dataset", "e2e"), ("init", pretrained ? "pretrained" : "scratch"), ("decoding", decoding),
                ("bleu", metrics.Bleu), ("chrf", metrics.ChrF), ("rouge_l", metrics.RougeL), ("train_seconds", trainSeconds),
                ("generate_seconds", generateSeconds), ("delex", delex.Description.Replace(',', '+')));
        }
    }

    /// <summary>
    /// Span-corruption pretraining of the same encoder-decoder on the training set's texts as unlabelled rows (each
    /// meaning representation and each reference on its own, pairing unseen): the "pretrained" start.
    /// </summary>
    private static ITransformer Pretrain(MLContext ml, BenchmarkArgs args, TextGenerationOptions generator, E2eData.Pair[] train)
    {
        var texts = train.Select(p => p.Source).Distinct().Concat(train.Select(p => p.Target)).Select(t => new E2eData.Pair { Source = t }).ToArray();
        var options = new TextPretrainingOptions
        {
            TextColumnName = nameof(E2eData.Pair.Source),
            Objective = PretrainingObjective.SpanCorruption,
            Model = generator.Model,
            Tokenizer = generator.Tokenizer,
            Training = new TrainingOptions
            {
                MaxSteps = args.Int("pretrain-steps", 0), Epochs = 1000, BatchSize = 32, LearningRate = 1e-3, MinLearningRate = 1e-4,
                WarmupSteps = 100, WeightDecay = 0.1, Seed = 1, LogEveryNSteps = 200,
            },
        };
        var clock = Stopwatch.StartNew();
        var model = ml.Transforms.Text.TransformerPretrainer(options).Fit(ml.Data.LoadFromEnumerable(texts));
        var history = model.TrainingHistory!.Records;
        Result.Print("e2e_pretraining", ("objective", model.Objective), ("texts", texts.Length), ("steps", history.Count),
            ("first_loss", history.Take(50).Average(r => r.Loss)), ("final_loss", history.TakeLast(50).Average(r => r.Loss)),
            ("seconds", clock.Elapsed.TotalSeconds));
        return model;
    }

    private static TextGenerationOptions Options(BenchmarkArgs args, string? basePath) => new()
    {
        SourceColumnName = "Source",
        TargetColumnName = "Target",
        BaseModelPath = basePath,
        Model = new ModelOptions
        {
            ModelDimension = args.Int("dim", 128),
            Heads = 4,
            EncoderLayers = args.Int("layers", 2),
            DecoderLayers = args.Int("layers", 2),
            FeedForwardDimension = 4 * args.Int("dim", 128),
            Activation = Activation.Gelu,
            NormPlacement = NormPlacement.PreNorm,
            MaxLength = 128,
        },
        Tokenizer = new TokenizerOptions { VocabularySize = args.Int("vocab", 1000), MaxLength = 64 },
        TargetMaxLength = 96,
        Training = new TrainingOptions
        {
            Epochs = args.Int("epochs", 30),
            BatchSize = 32,
            LearningRate = args.Double("lr", 1e-3),
            WarmupSteps = 200,
            LabelSmoothing = 0.1,
            LogEveryNSteps = 200,
            TimeBudget = TimeSpan.FromMinutes(args.Double("minutes", 14)),
        },
        Decoding = new DecodingOptions { MaxNewTokens = 96, NoRepeatNgramSize = args.Int("no-repeat", 0) },
        ScoringBatchSize = 64,
    };

    private sealed class Output
    {
        public string Generated { get; set; } = "";
    }

    private sealed class Scored
    {
        public string Generated { get; set; } = "";
        public string[] References { get; set; } = [];
    }
}
