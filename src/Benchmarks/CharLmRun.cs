using System.Diagnostics;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using Microsoft.ML.Transformer.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>Training, evaluation and sampling of the character-level model of <see cref="CharLmBenchmark"/>.</summary>
internal sealed class CharLmRun(string train, string validation, int seed)
{
    private readonly TextTokenizer _tokenizer = TextTokenizer.Bytes();
    private readonly ObjectiveSettings _objective = new(PretrainingObjective.CausalLanguageModel, CharLmBenchmark.BlockSize, 0.15, 3, 0.15);

    public int[] Validation { get; } = TextTokenizer.Bytes().Encode(validation);

    public sealed record Trained(TextNetwork Model, double TrainSeconds, double TokensPerSecond);

    /// <summary>
    /// Trains a fresh model for <paramref name="steps"/> steps. Speed is measured as the peer measures it: time in
    /// training steps only, from the end of the first step (which also fills the shuffle buffer) to the last, less
    /// the time spent in validation.
    /// </summary>
    public Trained Train(long steps, int evaluateEvery)
    {
        torch.manual_seed(seed);
        var model = new TextNetwork(CharLmBenchmark.Model(_tokenizer.VocabularySize));
        var objective = Objective.Create(_tokenizer, _objective);
        var options = CharLmBenchmark.Training(steps, seed);
        if (evaluateEvery > 0) options.EvaluateEveryNSteps = evaluateEvery;
        var elapsed = new List<TimeSpan>();
        options.Progress = new Recorder(elapsed);
        double validationSeconds = 0;
        Func<double>? validate = evaluateEvery <= 0 ? null : () =>
        {
            var watch = Stopwatch.StartNew();
            double loss = Estimate(model, Validation, 20);
            validationSeconds += watch.Elapsed.TotalSeconds;
            Console.WriteLine($"val loss {loss:F4} (20 batches)");
            return loss;
        };
        // The peer decays every 2-D parameter, the tied embedding and the position table included.
        using (var loop = new TrainingLoop(model, options, (_, p) => p.dim() >= 2, log: Console.WriteLine))
            loop.Run(epoch => objective.TrainingBatches([train], CharLmBenchmark.BatchSize, 0, seed + epoch, null),
                batch => (PretrainingLoss.Mean(objective, model, batch), batch.Targets), validate);
        model.eval();
        double tokensPerStep = CharLmBenchmark.BatchSize * CharLmBenchmark.BlockSize;
        double steady = (elapsed[^1] - elapsed[0]).TotalSeconds - validationSeconds;
        double tokensPerSecond = (elapsed.Count - 1) * tokensPerStep / steady;
        return new Trained(model, elapsed.Count * tokensPerStep / tokensPerSecond, tokensPerSecond);
    }

    /// <summary>Mean loss over <paramref name="batches"/> batches of random windows (the peer's estimate).</summary>
    public double Estimate(TextNetwork model, int[] data, int batches)
    {
        var rng = new Random(seed + 1);
        double sum = 0;
        int b = CharLmBenchmark.BatchSize, t = CharLmBenchmark.BlockSize;
        using var noGrad = no_grad();
        for (int i = 0; i < batches; i++)
        {
            using var scope = NewDisposeScope();
            var x = new long[b * t];
            var y = new long[b * t];
            for (int r = 0; r < b; r++)
            {
                int start = rng.Next(data.Length - t);
                for (int j = 0; j < t; j++) (x[r * t + j], y[r * t + j]) = (data[start + j], data[start + j + 1]);
            }
            var logits = model.Logits(model.Decode(tensor(x, [b, t]), null, null, null));
            sum += nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), tensor(y)).item<float>();
        }
        return sum / batches;
    }

    /// <summary>The library's own metrics on the validation text: every character predicted once, in consecutive windows.</summary>
    public PretrainingMetrics Evaluate(TextNetwork model)
    {
        var settings = new PretrainingSettings("Text", "Loss", "Perplexity", _objective, ScoringBatchSize: 64);
        return new PretrainingScorer(model, Objective.Create(_tokenizer, _objective), settings).Evaluate([validation]);
    }

    /// <summary><paramref name="length"/> characters sampled after <paramref name="prompt"/> at temperature 0.8, over the last 64.</summary>
    public string Sample(TextNetwork model, string prompt, int length)
    {
        var ids = _tokenizer.Encode(prompt).ToList();
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        for (int i = 0; i < length; i++)
        {
            using var scope = NewDisposeScope();
            var context = ids.Skip(Math.Max(0, ids.Count - CharLmBenchmark.BlockSize)).Select(id => (long)id).ToArray();
            var logits = model.Logits(model.Decode(tensor(context, [1, context.Length]), null, null, null))[0, -1];
            ids.Add((int)multinomial((logits / 0.8).softmax(-1), 1, generator: generator).item<long>());
        }
        return _tokenizer.Decode(ids.ToArray());
    }

    private sealed class Recorder(List<TimeSpan> elapsed) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => elapsed.Add(value.Elapsed);
    }
}
