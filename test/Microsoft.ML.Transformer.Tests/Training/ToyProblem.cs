using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>A micro-batch of the toy problem: features [B, F] and class labels [B].</summary>
internal sealed class ToyBatch(Tensor features, Tensor labels) : IDisposable
{
    public Tensor Features { get; } = features;
    public Tensor Labels { get; } = labels;

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Generated classification data (Gaussian clusters around well separated class centres) and small models to train on
/// it: the Transformer model is not needed to test the loop.
/// </summary>
internal sealed class ToyProblem
{
    public const int Features = 8;
    public const int Classes = 4;

    private readonly float[][] _x;
    private readonly long[] _y;

    public ToyProblem(int rows, int seed, double noise = 0.6)
    {
        var random = new Random(TestSeed.Shift(seed));
        var centres = Enumerable.Range(0, Classes)
            .Select(c => Enumerable.Range(0, Features).Select(f => (float)(f % Classes == c ? 2.0 : 0.0)).ToArray()).ToArray();
        _x = new float[rows][];
        _y = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            int c = random.Next(Classes);
            _y[i] = c;
            _x[i] = centres[c].Select(v => v + (float)(noise * Gaussian(random))).ToArray();
        }
    }

    public int Rows => _y.Length;

    /// <summary>The micro-batches of an epoch, shuffled by (seed, epoch) so that asking twice gives the same batches.</summary>
    public IEnumerable<ToyBatch> Batches(int batchSize, int epoch, int seed, bool shuffle = true)
    {
        int[] order = Enumerable.Range(0, Rows).ToArray();
        if (shuffle)
            new Random(HashCode.Combine(seed, epoch)).Shuffle(order);
        for (int start = 0; start < Rows; start += batchSize)
        {
            int[] rows = order[start..Math.Min(Rows, start + batchSize)];
            yield return new ToyBatch(
                tensor(rows.SelectMany(r => _x[r]).ToArray(), [rows.Length, Features]),
                tensor(rows.Select(r => _y[r]).ToArray()));
        }
    }

    /// <summary>Mean cross-entropy of a batch and its row count: the loss function a classifier trainer gives the loop.</summary>
    public static (Tensor Loss, long Tokens) Loss(nn.Module<Tensor, Tensor> model, ToyBatch batch) =>
        (nn.functional.cross_entropy(model.forward(batch.Features), batch.Labels), batch.Labels.shape[0]);

    /// <summary>Fraction of rows the model classifies correctly.</summary>
    public double Accuracy(nn.Module<Tensor, Tensor> model)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long correct = 0;
        foreach (var batch in Batches(256, 0, 0, shuffle: false))
            using (batch)
                correct += model.forward(batch.Features).argmax(1).eq(batch.Labels).sum().item<long>();
        return (double)correct / Rows;
    }

    /// <summary>Mean validation loss over the whole set.</summary>
    public double MeanLoss(nn.Module<Tensor, Tensor> model)
    {
        using var scope = NewDisposeScope();
        double sum = 0;
        foreach (var batch in Batches(256, 0, 0, shuffle: false))
            using (batch)
                sum += Loss(model, batch).Loss.item<float>() * batch.Labels.shape[0];
        return sum / Rows;
    }

    /// <summary>A two-layer perceptron with dropout, initialised from <paramref name="initSeed"/>.</summary>
    public static nn.Module<Tensor, Tensor> Mlp(int initSeed, int hidden = 32, double dropout = 0.1)
    {
        torch.manual_seed(TestSeed.Shift(initSeed));
        return nn.Sequential(
            ("hidden", nn.Linear(Features, hidden)), ("relu", nn.ReLU()), ("dropout", nn.Dropout(dropout)),
            ("output", nn.Linear(hidden, Classes)));
    }

    /// <summary>Every parameter's values, by name, copied out.</summary>
    public static Dictionary<string, float[]> Weights(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    /// <summary>Options for quick toy runs: no warm-up, no weight decay surprises.</summary>
    public static TrainingOptions Options(int epochs = 2, int batchSize = 32) => new()
    {
        Epochs = epochs,
        BatchSize = batchSize,
        LearningRate = 0.01,
        WarmupSteps = 2,
        Schedule = LearningRateScheduleKind.Cosine,
        LogEveryNSteps = 1000,
    };

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (Progress&lt;T&gt; posts elsewhere).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
