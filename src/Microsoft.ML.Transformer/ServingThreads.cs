using TorchSharp;

namespace Microsoft.ML.Transformer;

/// <summary>
/// A thread policy for one-row scoring (<c>PredictionEngine</c>), on by default (see <see cref="OneThreadPerPrediction"/>):
/// each prediction runs its libtorch
/// work with one intra-op thread, on the calling thread only, and gives that thread back its previous libtorch setting
/// when it returns. A server scales by predicting on several threads at once; libtorch's own intra-op threads (one per
/// core by default) times those threads oversubscribe the cores, and libtorch's waiting workers spin while a partner
/// is descheduled. The count is fixed rather than chosen by how many predictions are in flight because a few
/// kernels split their sums by thread count: with a fixed count a row's scores are the same whatever else is running.
/// <c>Transform</c> (mini-batches), training and every other thread keep libtorch's setting. Each
/// <c>CreatePredictionEngine</c> says in the <c>MLContext</c> log what is in effect (<see cref="Description"/>).
/// </summary>
public static class ServingThreads
{
    /// <summary>
    /// The AppContext switch read once, at first use: <c>false</c> turns the policy off, so that predictions use
    /// libtorch's setting as <c>Transform</c> does; unset or <c>true</c>, it is on (in the application's project:
    /// <c>&lt;RuntimeHostConfigurationOption Include="Microsoft.ML.Transformer.OneThreadPerPrediction" Value="false" /&gt;</c>).
    /// </summary>
    public const string SwitchName = "Microsoft.ML.Transformer.OneThreadPerPrediction";

    /// <summary>
    /// Whether each prediction runs libtorch with one intra-op thread. Defaults to the <see cref="SwitchName"/> AppContext
    /// switch (true when it is not set); may be changed at any time and applies from the next prediction. libtorch's
    /// setting for threads that have not used it yet (what <c>torch.set_num_threads</c> or <c>OMP_NUM_THREADS</c> gave)
    /// is read at the first prediction that changes a thread's count and kept for new threads: change it before serving.
    /// </summary>
    public static bool OneThreadPerPrediction { get; set; } = ProcessSetting.SwitchOn(SwitchName);

    /// <summary>What is in effect, in words (for logs).</summary>
    public static string Description => OneThreadPerPrediction
        ? $"Each prediction runs libtorch with 1 intra-op thread on its own thread and then restores that thread's setting "
          + $"({torch.get_num_threads()} on this thread); Transform and training keep libtorch's setting "
          + $"(off with {nameof(ServingThreads)}.{nameof(OneThreadPerPrediction)} = false or AppContext switch {SwitchName}=false)."
        : $"Predictions use libtorch's intra-op thread setting ({torch.get_num_threads()} on this thread): "
          + $"the one-thread policy is off (turned off by {nameof(ServingThreads)}.{nameof(OneThreadPerPrediction)} = false or AppContext switch {SwitchName}=false).";
}
