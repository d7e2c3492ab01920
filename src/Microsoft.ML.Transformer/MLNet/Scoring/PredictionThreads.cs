using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>
/// Applies <see cref="ServingThreads.OneThreadPerPrediction"/> around one prediction: the calling thread's libtorch
/// intra-op count becomes 1 and is put back when the scope ends, exceptions included.
/// </summary>
internal static class PredictionThreads
{
    /// <summary>Starts a prediction on this thread; dispose the scope when it returns.</summary>
    public static Scope Enter()
    {
        if (!ServingThreads.OneThreadPerPrediction) return default;
        int previous = torch.get_num_threads();
        if (previous == 1) return default;
        var newThreads = NewThreadCount.Instance;
        torch.set_num_threads(1);
        newThreads.PutBack();
        return new Scope(previous, newThreads);
    }

    /// <summary>Restores the thread's count from before <see cref="Enter"/> (nothing when it did not change it).</summary>
    public readonly struct Scope(int previous, NewThreadCount? newThreads) : IDisposable
    {
        public void Dispose()
        {
            if (newThreads == null) return;
            torch.set_num_threads(previous);
            if (previous != newThreads.Count) newThreads.PutBack();
        }
    }
}
