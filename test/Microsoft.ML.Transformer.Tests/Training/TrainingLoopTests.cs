using Microsoft.ML.Transformer.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class TrainingLoopTests
{
    private static readonly ToyProblem Train = new(rows: 1024, seed: 1);
    private static readonly ToyProblem Test = new(rows: 512, seed: 2);

    private static TrainingResult RunToy(nn.Module<Tensor, Tensor> model, TrainingOptions options,
        Func<double>? validate = null, ToyProblem? data = null)
    {
        data ??= Train;
        using var loop = new TrainingLoop(model, options);
        return loop.Run(epoch => data.Batches(options.BatchSize, epoch, options.Seed),
            batch => ToyProblem.Loss(model, batch), validate);
    }

    [TestMethod]
    public void LearnsAToyClassifier()
    {
        var model = ToyProblem.Mlp(initSeed: 3);
        double before = Test.Accuracy(model);
        var result = RunToy(model, ToyProblem.Options(epochs: 4));
        double after = Test.Accuracy(model);
        Console.WriteLine($"held-out accuracy {before:F4} before, {after:F4} after; smoothed loss {result.History.Records[0].SmoothedLoss:F4} -> {result.History.Records[^1].SmoothedLoss:F4}");

        Assert.AreEqual(TrainingStopReason.Completed, result.StopReason);
        Assert.AreEqual(4 * 1024 / 32, result.Steps);
        Assert.AreEqual(4 * 1024 / 32, result.History.Records[0].TotalSteps, "counted from epoch 0 for the cosine decay");
        Assert.IsLessThan(0.5, before, $"an untrained model should be near chance, was {before:P1}");
        Assert.IsGreaterThanOrEqualTo(0.95, after, $"held-out accuracy {after:P1}");
        var h = result.History.Records;
        Assert.IsLessThan(h[0].SmoothedLoss / 4, h[^1].SmoothedLoss, "loss fell by less than 4x");
    }

    [TestMethod]
    public void PrecisionHoldsForTheRunAndIsPutBackAfterwards()
    {
        using var network = Modeling.TinyModels.Create(Modeling.TinyModels.Options());
        var seen = new List<Microsoft.ML.Transformer.Modeling.Precision>();
        var options = new TrainingOptions { Epochs = 1, WarmupSteps = 0, Precision = Microsoft.ML.Transformer.Modeling.Precision.BFloat16 };
        using (var loop = new TrainingLoop(network, options))
            loop.Run(_ => Enumerable.Range(0, 3).Select(i => new ToyBatch(Modeling.TinyModels.Ids(2, 5, seed: i), Modeling.TinyModels.Ids(2, 4, seed: 10 + i))), batch =>
            {
                seen.Add(network.Precision);
                return (network.forward(batch.Features, null, batch.Labels, null).mean(), 1);
            });

        CollectionAssert.AreEqual(Enumerable.Repeat(Microsoft.ML.Transformer.Modeling.Precision.BFloat16, 3).ToArray(), seen.ToArray(), "every step in bf16");
        Assert.AreEqual(Microsoft.ML.Transformer.Modeling.Precision.Float32, network.Precision, "the trained network computes as before");
    }

    [TestMethod]
    public void WeightDecayShrinksOnlyWeightMatrices()
    {
        torch.manual_seed(5);
        var model = new DecayProbe();
        var start = ToyProblem.Weights(model);
        var options = new TrainingOptions
        {
            Epochs = 1, LearningRate = 0.1, WeightDecay = 0.5, WarmupSteps = 0,
            Schedule = LearningRateScheduleKind.Constant, GradientClipNorm = null,
        };
        using var loop = new TrainingLoop(model, options);
        // A loss that is identically zero gives every parameter a zero gradient: only decay can move a value.
        loop.Run(_ => Enumerable.Range(0, 3).Select(_ => new ToyBatch(ones(2, 1), zeros(2, ScalarType.Int64))),
            batch => ((model.forward(batch.Labels) * 0).sum(), 2));
        var end = ToyProblem.Weights(model);

        double shrink = Math.Pow(1 - 0.1 * 0.5, 3);
        for (int i = 0; i < start["linear.weight"].Length; i++)
            Assert.AreEqual(start["linear.weight"][i] * shrink, end["linear.weight"][i], 1e-6, "a weight matrix decays");
        foreach (string name in new[] { "linear.bias", "embedding.weight", "norm.weight", "norm.bias" })
            CollectionAssert.AreEqual(start[name], end[name], $"{name} must not decay");
    }

    [TestMethod]
    public void AccumulatedMicroBatchesEqualOneBigBatch()
    {
        // 100 rows: big batches of 36, 36, 28; micro-batches of 12 accumulated by 3, the last group being 12 + 12 + 4
        // rows, which only weighting each micro-batch by its rows makes equal to the big batch of 28.
        var data = new ToyProblem(rows: 100, seed: 7);
        var big = ToyProblem.Mlp(initSeed: 11, dropout: 0);
        var small = ToyProblem.Mlp(initSeed: 11, dropout: 0);
        var accumulated = ToyProblem.Options(epochs: 2, batchSize: 12);
        accumulated.GradientAccumulationSteps = 3;
        // Unshuffled, so consecutive micro-batches hold exactly the rows of one big batch.
        TrainingResult smallResult, bigResult;
        using (var loop = new TrainingLoop(small, accumulated))
            smallResult = loop.Run(_ => data.Batches(12, 0, 0, shuffle: false), batch => ToyProblem.Loss(small, batch));
        using (var loop = new TrainingLoop(big, ToyProblem.Options(epochs: 2, batchSize: 36)))
            bigResult = loop.Run(_ => data.Batches(36, 0, 0, shuffle: false), batch => ToyProblem.Loss(big, batch));

        Assert.AreEqual(6, smallResult.Steps);
        Assert.AreEqual(6, bigResult.Steps);
        for (int i = 0; i < 6; i++)
            Assert.AreEqual(bigResult.History.Records[i].Loss, smallResult.History.Records[i].Loss, 1e-6, $"loss of step {i + 1}");
        var a = ToyProblem.Weights(big);
        var b = ToyProblem.Weights(small);
        foreach (var (name, values) in a)
            for (int i = 0; i < values.Length; i++)
                Assert.AreEqual(values[i], b[name][i], 1e-5, $"{name}[{i}]");
    }

    [TestMethod]
    public void ClippingBoundsTheGradientNorm()
    {
        var model = ToyProblem.Mlp(initSeed: 13);
        using (var batch = Train.Batches(32, 0, 0).First())
            (ToyProblem.Loss(model, batch).Loss * 1000).backward();
        var parameters = model.parameters().ToList();
        double before = Gradients.ScaleAndClip(parameters, 1.0, maxNorm: 0.5);
        double after = Gradients.ScaleAndClip(parameters, 1.0, maxNorm: null);
        Assert.IsGreaterThan(0.5, before, "the test needs a gradient above the limit");
        Assert.IsLessThanOrEqualTo(0.5, after);
        Assert.AreEqual(0.5, after, 1e-4, "clipping scales down to the limit, not below");

        // Through the loop: every step reports its norm before clipping, and clipping keeps training stable.
        var options = ToyProblem.Options(epochs: 1);
        options.GradientClipNorm = 0.1;
        var result = RunToy(ToyProblem.Mlp(initSeed: 13), options);
        Assert.IsTrue(result.History.Records.Any(r => r.GradientNorm > 0.1));
    }

    [TestMethod]
    public void ClippedGradientsNeverRoundAboveTheLimit()
    {
        // Large norms make an absolute epsilon vanish: with max / (norm + 1e-6) the norm computed again in float32 came
        // out one ulp above the limit (0.10000000149 for 0.1 at the first trial; 0.50000006 in ClippingBounds… at times).
        var generator = new TorchSharp.torch.Generator(3);
        for (int trial = 0; trial < 300; trial++)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var parameters = new[] { 700L, 33L, 4096L }.Select(n => new TorchSharp.Modules.Parameter(TorchSharp.torch.zeros(n))).ToList();
            foreach (var p in parameters)
                p.grad = TorchSharp.torch.randn(p.shape, generator: generator) * (float)(1 + trial);
            double limit = 0.1 + trial % 7 * 0.15;
            Gradients.ScaleAndClip(parameters, 1.0, limit);
            double after = Gradients.ScaleAndClip(parameters, 1.0, maxNorm: null);
            Assert.IsLessThanOrEqualTo(limit, after, $"trial {trial}");
            Assert.AreEqual(limit, after, limit * 1e-4, $"trial {trial}: clipping scales down to the limit, not below");
        }
    }

    [TestMethod]
    public void SameSeedGivesBitwiseIdenticalWeightsAndAnotherSeedDoesNot()
    {
        Dictionary<string, float[]> Train(int seed)
        {
            var model = ToyProblem.Mlp(initSeed: 17, dropout: 0.3); // dropout makes the loop's seed matter
            var options = ToyProblem.Options(epochs: 1);
            options.Seed = seed;
            RunToy(model, options);
            return ToyProblem.Weights(model);
        }
        var first = Train(1);
        var second = Train(1);
        var other = Train(2);
        foreach (var (name, values) in first)
        {
            CollectionAssert.AreEqual(values, second[name], $"{name} differs between two runs with the same seed");
            CollectionAssert.AreNotEqual(values, other[name], $"{name} is the same under another seed");
        }
    }

    [TestMethod]
    public void EarlyStoppingRestoresTheBestWeights()
    {
        var model = ToyProblem.Mlp(initSeed: 19);
        // A validation metric that improves, then worsens: the best evaluation is the second one.
        double[] metrics = [1.0, 0.5, 0.7, 0.8, 0.9, 1.0];
        var seen = new List<Dictionary<string, float[]>>();
        var options = ToyProblem.Options(epochs: 10);
        options.EvaluateEveryNSteps = 5;
        options.EarlyStoppingPatience = 2;
        var result = RunToy(model, options, validate: () =>
        {
            Assert.IsFalse(model.training, "validation runs in evaluation mode");
            Assert.IsFalse(torch.is_grad_enabled(), "validation runs without gradients");
            seen.Add(ToyProblem.Weights(model));
            return metrics[seen.Count - 1];
        });

        Assert.AreEqual(TrainingStopReason.EarlyStopping, result.StopReason);
        Assert.HasCount(4, seen, "stops after two evaluations without improvement");
        Assert.AreEqual(20, result.Steps);
        Assert.AreEqual(10, result.BestStep);
        Assert.AreEqual(0.5, result.BestMetric);
        var final = ToyProblem.Weights(model);
        foreach (var (name, values) in seen[1])
            CollectionAssert.AreEqual(values, final[name], $"{name} is not the best evaluation's");
        CollectionAssert.AreNotEqual(seen[3]["output.weight"], final["output.weight"]);
        Assert.AreEqual(0.5, result.History.Records.Single(r => r.Step == 10).ValidationMetric);
    }

    [TestMethod]
    public void CancellationStopsBetweenStepsAndKeepsTheLastWeights()
    {
        var model = ToyProblem.Mlp(initSeed: 23);
        using var cancel = new CancellationTokenSource();
        var options = ToyProblem.Options(epochs: 50);
        options.CancellationToken = cancel.Token;
        int reported = 0;
        options.Progress = new SyncProgress(p => { reported++; if (p.Step == 3) cancel.Cancel(); });
        using var loop = new TrainingLoop(model, options);
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            loop.Run(epoch => Train.Batches(32, epoch, 0), batch => ToyProblem.Loss(model, batch)));
        Assert.AreEqual(3, reported, "no step runs after cancellation");
        Assert.HasCount(3, loop.History.Records);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        options = ToyProblem.Options();
        options.CancellationToken = cancelled.Token;
        using var loop2 = new TrainingLoop(model, options);
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            loop2.Run(epoch => Train.Batches(32, epoch, 0), batch => ToyProblem.Loss(model, batch)));
        Assert.IsEmpty(loop2.History.Records);
    }

    [TestMethod]
    public void LiveTensorCountStaysFlatOverAlongRun()
    {
        // The count is global: tensors that earlier tests dropped must not be finalised in the middle of this run.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var model = ToyProblem.Mlp(initSeed: 29);
        var options = ToyProblem.Options(epochs: 10, batchSize: 8);
        options.EvaluateEveryNSteps = 25;
        var live = new Dictionary<long, long>();
        options.Progress = new SyncProgress(p => live[p.Step] = torch.Tensor.TotalCount);
        var small = new ToyProblem(rows: 256, seed: 3);
        var validation = new ToyProblem(rows: 64, seed: 4);
        var result = RunToy(model, options, validate: () => validation.MeanLoss(model), data: small);
        Assert.AreEqual(320, result.Steps);
        // After the first evaluation the best-weight copy exists; from then on nothing may accumulate.
        Assert.AreEqual(live[50], live[300], $"live tensors grew from {live[50]} at step 50 to {live[300]} at step 300");
        Assert.AreEqual(live[60], live[310]);
    }

    [TestMethod]
    public void ATimeBudgetEndsTrainingLikeTheLastEpoch()
    {
        var model = ToyProblem.Mlp(initSeed: 31);
        var options = ToyProblem.Options(epochs: 1000);
        options.TimeBudget = TimeSpan.FromMilliseconds(200);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = RunToy(model, options);
        Assert.AreEqual(TrainingStopReason.TimeBudget, result.StopReason);
        Assert.IsLessThan(32_000, result.Steps);
        Assert.IsLessThan(10.0, started.Elapsed.TotalSeconds);
    }

    [TestMethod]
    public void TheLossFunctionMustReturnAScalarAndCountTargets()
    {
        var model = ToyProblem.Mlp(initSeed: 31);
        using var loop = new TrainingLoop(model, ToyProblem.Options());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => loop.Run(epoch => Train.Batches(32, epoch, 0),
            batch => (nn.functional.cross_entropy(model.forward(batch.Features), batch.Labels, reduction: nn.Reduction.None), 32)));
        StringAssert.Contains(e.Message, "must return a scalar; it returned shape [32]");
    }

    /// <summary>An embedding, a linear layer and a layer norm, to see which parameters decay.</summary>
    private sealed class DecayProbe : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embedding = nn.Embedding(3, 4);
        private readonly Linear linear = nn.Linear(4, 4);
        private readonly LayerNorm norm = nn.LayerNorm(4);

        public DecayProbe() : base(nameof(DecayProbe)) => RegisterComponents();

        public override Tensor forward(Tensor ids) => norm.forward(linear.forward(embedding.forward(ids)));
    }
}
