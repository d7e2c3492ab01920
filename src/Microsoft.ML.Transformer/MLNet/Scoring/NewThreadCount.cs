using TorchSharp;

namespace Microsoft.ML.Transformer.MLNet.Scoring;

/// <summary>
/// Keeps libtorch's intra-op count for threads that have not used libtorch yet as it was before the first prediction.
/// libtorch's set_num_threads changes the calling thread's count and also the count every thread that has not used
/// libtorch yet will start with; after each such change a thread of this class, which runs no libtorch work of its
/// own, sets the latter back, so only the predicting thread keeps the change, and only during its prediction.
/// </summary>
internal sealed class NewThreadCount
{
    private static readonly Lazy<NewThreadCount> Shared = new(() => new NewThreadCount());
    private readonly SemaphoreSlim _wake = new(0);
    private int _pending;

    private NewThreadCount()
    {
        using var ready = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            Count = torch.get_num_threads();
            ready.Set();
            Restore();
        }) { IsBackground = true, Name = "libtorch new-thread count" };
        thread.Start();
        ready.Wait();
    }

    /// <summary>The one instance; made (and the count read, on a fresh thread) before the first change.</summary>
    public static NewThreadCount Instance => Shared.Value;

    /// <summary>The count a thread that has not used libtorch yet starts with, read when this was made.</summary>
    public int Count { get; private set; }

    /// <summary>Asks for <see cref="Count"/> to be set back after a change made on another thread.</summary>
    public void PutBack()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0) _wake.Release();
    }

    private void Restore()
    {
        while (true)
        {
            _wake.Wait();
            // Cleared before the write: a change made after this point asks again, so none is left standing.
            Volatile.Write(ref _pending, 0);
            torch.set_num_threads(Count);
        }
    }
}
