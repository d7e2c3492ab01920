using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class CheckpointTests
{
    private static readonly ToyProblem Data = new(rows: 160, seed: 31);

    /// <summary>
    /// 3 epochs of 10 micro-batches, accumulated by 2: 15 steps, with warm-up, cosine decay, dropout and shuffling,
    /// so that any state a resume forgot would show in the weights.
    /// </summary>
    private static TrainingOptions Options(string dir, CancellationToken cancel = default, Action<TrainingProgress>? progress = null)
    {
        var options = ToyProblem.Options(epochs: 3, batchSize: 16);
        options.GradientAccumulationSteps = 2;
        options.WarmupSteps = 3;
        options.CheckpointDirectory = dir;
        options.CheckpointEveryNSteps = 3;
        options.CancellationToken = cancel;
        options.Progress = progress is null ? null : new SyncProgress(progress);
        return options;
    }

    private static TrainingResult Run(nn.Module<Tensor, Tensor> model, TrainingOptions options, string fingerprint = "tokenizer=toy",
        Func<double>? validate = null)
    {
        using var loop = new TrainingLoop(model, options, configFingerprint: fingerprint);
        return loop.Run(epoch => Data.Batches(options.BatchSize, epoch, options.Seed), batch => ToyProblem.Loss(model, batch), validate);
    }

    /// <summary>Trains until step 7 and "kills" the run there: checkpoint of step 6 on disk, loop object thrown away.</summary>
    private static void RunAndKillAtStep7(string dir)
    {
        using var cancel = new CancellationTokenSource();
        var model = ToyProblem.Mlp(initSeed: 37, dropout: 0.2);
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            Run(model, Options(dir, cancel.Token, p => { if (p.Step == 7) cancel.Cancel(); })));
    }

    [TestMethod]
    public void ResumedRunEndsWithTheWeightsAndCurveOfAnUninterruptedOne()
    {
        var straight = ToyProblem.Mlp(initSeed: 37, dropout: 0.2);
        var straightResult = Run(straight, Options(TestPaths.NewTempDir()));
        Assert.AreEqual(15, straightResult.Steps);

        string dir = TestPaths.NewTempDir();
        RunAndKillAtStep7(dir);
        // Another initialisation proves that the weights come from the checkpoint.
        var resumed = ToyProblem.Mlp(initSeed: 99, dropout: 0.2);
        var log = new List<string>();
        TrainingResult resumedResult;
        using (var loop = new TrainingLoop(resumed, Options(dir), configFingerprint: "tokenizer=toy", log: log.Add))
            resumedResult = loop.Run(epoch => Data.Batches(16, epoch, 42), batch => ToyProblem.Loss(resumed, batch));

        Assert.IsTrue(log.Any(l => l.Contains("Resuming from", StringComparison.Ordinal) && l.Contains("step 6", StringComparison.Ordinal)),
            string.Join('\n', log));
        Assert.AreEqual(15, resumedResult.Steps);
        var expected = ToyProblem.Weights(straight);
        var actual = ToyProblem.Weights(resumed);
        foreach (var (name, values) in expected)
            CollectionAssert.AreEqual(values, actual[name], $"{name} differs from the uninterrupted run");
        CollectionAssert.AreEqual(straightResult.History.Records.Select(r => (r.Step, r.Epoch, r.Loss, r.LearningRate, r.GradientNorm)).ToList(),
            resumedResult.History.Records.Select(r => (r.Step, r.Epoch, r.Loss, r.LearningRate, r.GradientNorm)).ToList());
    }

    [TestMethod]
    public void BestWeightsFromBeforeTheInterruptionAreRestoredAfterResuming()
    {
        // Evaluated every 4 steps; the metric is best at step 4, before the run is killed at step 7.
        static TrainingOptions WithValidation(TrainingOptions options)
        {
            options.EvaluateEveryNSteps = 4;
            return options;
        }
        long step = 0;
        Func<double> validate = () => (step += 4) == 4 ? 0.1 : 1.0;
        Dictionary<string, float[]>? atStep4 = null;
        var straight = ToyProblem.Mlp(initSeed: 37, dropout: 0.2);
        var straightResult = Run(straight, WithValidation(Options(TestPaths.NewTempDir(),
            progress: p => { if (p.Step == 4) atStep4 = ToyProblem.Weights(straight); })), validate: validate);
        Assert.AreEqual(4, straightResult.BestStep);

        string dir = TestPaths.NewTempDir();
        using (var cancel = new CancellationTokenSource())
        {
            step = 0;
            var model = ToyProblem.Mlp(initSeed: 37, dropout: 0.2);
            Assert.ThrowsExactly<OperationCanceledException>(() => Run(model,
                WithValidation(Options(dir, cancel.Token, p => { if (p.Step == 7) cancel.Cancel(); })), validate: validate));
        }
        step = 4; // the resumed run evaluates at steps 8 and 12
        var resumed = ToyProblem.Mlp(initSeed: 99, dropout: 0.2);
        var resumedResult = Run(resumed, WithValidation(Options(dir)), validate: validate);

        Assert.AreEqual(4, resumedResult.BestStep);
        Assert.AreEqual(0.1, resumedResult.BestMetric);
        foreach (var (name, values) in atStep4!)
            CollectionAssert.AreEqual(values, ToyProblem.Weights(resumed)[name], $"{name} is not the best (step 4) weights");
        CollectionAssert.AreEqual(straightResult.History.Records.Select(r => r.ValidationMetric).ToList(),
            resumedResult.History.Records.Select(r => r.ValidationMetric).ToList());
    }

    [TestMethod]
    public void ResumingUnderAnotherConfigurationSaysWhatDiffers()
    {
        string dir = TestPaths.NewTempDir();
        RunAndKillAtStep7(dir);

        var options = Options(dir);
        options.LearningRate = 0.02;
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            Run(ToyProblem.Mlp(initSeed: 37), options, fingerprint: "tokenizer=other"));
        StringAssert.Contains(e.Message, "different configuration");
        StringAssert.Contains(e.Message, "LearningRate: checkpoint 0.01, now 0.02");
        StringAssert.Contains(e.Message, "tokenizer: checkpoint toy, now other");

        options = Options(dir);
        options.ResumeFromCheckpoint = false;
        Assert.AreEqual(15, Run(ToyProblem.Mlp(initSeed: 37), options, fingerprint: "tokenizer=other").Steps, "opting out starts over");
    }

    [TestMethod]
    public void ADamagedCheckpointIsRefusedWithAClearError()
    {
        string dir = TestPaths.NewTempDir();
        RunAndKillAtStep7(dir);
        string path = Path.Combine(dir, Checkpoint.FileName);
        byte[] good = File.ReadAllBytes(path);

        byte[] flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x40; // inside the weights
        File.WriteAllBytes(path, flipped);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Run(ToyProblem.Mlp(initSeed: 37), Options(dir)));
        StringAssert.Contains(e.Message, "is damaged: the SHA-256");

        File.WriteAllBytes(path, good[..(good.Length - 100)]);
        e = Assert.ThrowsExactly<InvalidDataException>(() => Run(ToyProblem.Mlp(initSeed: 37), Options(dir)));
        StringAssert.Contains(e.Message, "is damaged: its payload should be");

        File.WriteAllBytes(path, "not a checkpoint"u8.ToArray());
        e = Assert.ThrowsExactly<InvalidDataException>(() => Run(ToyProblem.Mlp(initSeed: 37), Options(dir)));
        StringAssert.Contains(e.Message, "is not a training checkpoint");
    }

    [TestMethod]
    public void AFailedWriteLeavesTheOldFileWholeAndNoTemporaryFile()
    {
        string dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir, "file.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(dir));
    }

    [TestMethod]
    public void TrainingLeavesOneCompleteCheckpointAndClearsTemporariesOfAKilledRun()
    {
        string dir = TestPaths.NewTempDir();
        string stale = Path.Combine(dir, Checkpoint.FileName + AtomicFile.TempMarker + "killed");
        File.WriteAllBytes(stale, new byte[10]); // what a process killed mid-write leaves
        Run(ToyProblem.Mlp(initSeed: 37), Options(dir));
        CollectionAssert.AreEqual(new[] { Path.Combine(dir, Checkpoint.FileName) }, Directory.GetFiles(dir));

        // Finished runs resume to a no-op with the same result.
        var again = ToyProblem.Mlp(initSeed: 1);
        var result = Run(again, Options(dir));
        Assert.AreEqual(15, result.Steps);
        Assert.HasCount(15, result.History.Records);
    }
}
