using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.Samples.Data;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Extractive question answering on questions derived from the E2E NLG references (see <see cref="E2eQuestions"/>):
/// the Transformer question answerer from scratch, on the entity benchmark's network and tokenizer; exact match and
/// token F1 on the derived test split, training seconds and scoring rows/s (with the machine's load average beside them).
/// </summary>
internal sealed class QaBenchmark : IBenchmark
{
    public string Name => "qa";

    public string Description => "E2E-derived extractive question answering: Transformer question answerer from scratch; exact match and token F1, train seconds, scoring rows/s";

    public void Run(BenchmarkArgs args)
    {
        var ml = new MLContext(1);
        var (allTrain, allTest) = E2eQuestions.Load(Path.Combine(args.DataDir, "e2e-nlg"));
        var rng = new Random(1);
        var train = allTrain.OrderBy(_ => rng.Next()).Take(args.Int("train-rows", 8000)).ToArray();
        var test = allTest.OrderBy(_ => rng.Next()).Take(args.Int("test-rows", int.MaxValue)).ToArray();
        Console.WriteLine($"derived: {allTrain.Length} training questions ({train.Length} used), {allTest.Length} test questions ({test.Length} used)");

        var options = new QuestionAnsweringOptions
        {
            Model = NerBenchmark.Network(args),
            Tokenizer = NerBenchmark.Tokenizer(args),
            Stride = args.Int("stride", 32),
            Training = NerBenchmark.Training(args),
            HeadDropout = 0.1,
        };
        var sw = Stopwatch.StartNew();
        var answerer = ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(options).Fit(ml.Data.LoadFromEnumerable(train));
        double trainSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var scored = ml.Data.TakeRows(answerer.Transform(ml.Data.LoadFromEnumerable(test)), long.MaxValue);
        var metrics = QuestionAnsweringMetrics.Evaluate(scored);
        double scoreSeconds = sw.Elapsed.TotalSeconds;
        Result.Print("qa", ("model", "transformer-scratch"), ("exact_match", metrics.ExactMatch), ("f1", metrics.F1),
            ("train_seconds", trainSeconds), ("score_rows_per_s", metrics.Rows / scoreSeconds), ("train_rows", train.Length),
            ("test_rows", metrics.Rows), ("load_avg_1m", NerBenchmark.LoadAverage()));
    }
}
