using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;
using OwnAdamW = Microsoft.ML.Transformer.Training.AdamW;

namespace Microsoft.ML.Transformer.Tests.Training;

[TestClass]
public sealed class AdamWTests
{
    private static (Parameter Decayed, Parameter Plain) Parameters(int seed)
    {
        var g = new torch.Generator((ulong)seed);
        return (new Parameter(randn(512, 512, generator: g)), new Parameter(randn(512, generator: g)));
    }

    private static void SetGradients(Parameter a, Parameter b, int step)
    {
        var g = new torch.Generator((ulong)(1000 + step));
        using (no_grad())
        {
            a.grad = randn(a.shape, generator: g);
            b.grad = randn(b.shape, generator: g);
        }
    }

    private static IEnumerable<TorchSharp.Modules.AdamW.ParamGroup> Groups(Parameter decayed, Parameter plain) =>
    [
        new([decayed], 3e-3, 0.9, 0.98, 1e-6, 0.05),
        new([plain], 3e-3, 0.9, 0.98, 1e-6, 0.0),
    ];

    [TestMethod]
    public void UpdatesBitwiseAsTorchSharpsAdamWAndKeepsItsCheckpointFormat()
    {
        var (ourDecayed, ourPlain) = Parameters(7);
        var (refDecayed, refPlain) = Parameters(7);
        using var ours = new OwnAdamW(Groups(ourDecayed, ourPlain), 3e-3, 0.9, 0.98, 1e-6, 0.05);
        using var reference = optim.AdamW(Groups(refDecayed, refPlain), 3e-3, 0.9, 0.98, 1e-6, 0.05);
        for (int step = 0; step < 20; step++)
        {
            double lr = 3e-3 * (1 + step) / 20;       // a changing rate, as a schedule sets it
            foreach (var group in ours.ParamGroups.Concat(reference.ParamGroups))
                group.LearningRate = lr;
            SetGradients(ourDecayed, ourPlain, step);
            SetGradients(refDecayed, refPlain, step);
            ours.step();
            reference.step();
        }
        Assert.IsTrue(ourDecayed.equal(refDecayed).all().item<bool>(), "decayed group differs from TorchSharp's AdamW");
        Assert.IsTrue(ourPlain.equal(refPlain).all().item<bool>(), "undecayed group differs from TorchSharp's AdamW");
        Assert.IsFalse(ourDecayed.equal(Parameters(7).Decayed).all().item<bool>(), "the optimiser did not move the weights");

        // TorchSharp writes the class name into saved state: each must load the other's.
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            ours.save_state_dict(writer);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            reference.load_state_dict(reader);
        Assert.AreEqual(stream.Length, stream.Position, "the reference read the whole state");
    }

    [TestMethod]
    public void StepsSafelyWhileCollectionsAndFinalisersRunOnAnotherThread()
    {
        // Every coefficient is a Scalar owned for the length of the call: collections in parallel cannot free one
        // that libtorch is reading (TorchSharp's own step failed this way now and then).
        var (decayed, plain) = Parameters(3);
        using var optimizer = new OwnAdamW(Groups(decayed, plain), 1e-3, 0.9, 0.98, 1e-6, 0.05);
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            for (int step = 0; step < 400; step++)
            {
                using var scope = NewDisposeScope();
                SetGradients(decayed, plain, step % 10);
                optimizer.step();
            }
        }
        finally
        {
            stop.Cancel();
            collector.Wait();
        }
        Assert.IsTrue(decayed.isfinite().all().item<bool>(), "non-finite weights after 400 steps");
        Assert.IsTrue(plain.isfinite().all().item<bool>(), "non-finite weights after 400 steps");
    }
}
