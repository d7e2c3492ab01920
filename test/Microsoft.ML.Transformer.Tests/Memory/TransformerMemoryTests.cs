using System.Runtime;
using Microsoft.ML.Transformer.Memory;
using Microsoft.ML.Transformer.Tests.Pretraining;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Memory;

[TestClass]
public sealed class TransformerMemoryTests
{
    [TestMethod]
    public void FitSaysInTheLogWhatWasSetForTheProcess()
    {
        var ml = new MLContext(1);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        ml.Transforms.Text.PretrainTransformer(PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, steps: 2))
            .Fit(ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(40, seed: 3)));

        string description = TransformerMemory.Description!;
        Assert.IsTrue(lines.Any(l => l.Contains(description, StringComparison.Ordinal)), "the MLContext log carries TransformerMemory.Description");
        if (!OperatingSystem.IsLinux() || !TransformerMemory.Enabled)
            return;
        string? chosen = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_");
        StringAssert.Contains(description, string.IsNullOrEmpty(chosen) ? "glibc mmap threshold fixed at 8192 KiB" : "left alone (MALLOC_MMAP_THRESHOLD_=");
        StringAssert.Contains(description, "malloc_trim", "the log says the heap is trimmed");
        StringAssert.Contains(description, TransformerMemory.SwitchName, "the log says how to opt out");
    }

    [TestMethod]
    public void ManagedGarbageIsCollectedOnceOverTheBudgetAndNotBefore()
    {
        const long budget = 2 * 1024 * 1024;
        Assert.AreEqual(0, CollectionsForcedAfter(budget / 4, budget), "under the budget nothing is forced");
        Assert.AreEqual(1, CollectionsForcedAfter(2 * budget, budget), "over the budget: one generation-0 collection");
    }

    // Collections made by CollectIfOver after allocating `bytes`. The churn runs in a no-GC region, because tests on
    // other threads allocate too and the runtime may collect by itself meanwhile; an attempt in which it did anyway
    // (the region was used up) says nothing, and is repeated.
    private static int CollectionsForcedAfter(long bytes, long budget)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            ManagedGarbage.CollectIfOver(long.MaxValue);
            GC.Collect(0, GCCollectionMode.Forced);
            if (!GC.TryStartNoGCRegion(bytes + 32L * 1024 * 1024))
                continue;
            ManagedGarbage.CollectIfOver(long.MaxValue);        // marks the starting point: there was a collection since
            int start = GC.CollectionCount(0);
            Churn(bytes);
            bool undisturbed = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion && GC.CollectionCount(0) == start;
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                GC.EndNoGCRegion();
            if (!undisturbed)
                continue;
            ManagedGarbage.CollectIfOver(budget);
            return GC.CollectionCount(0) - start;
        }
        throw new AssertFailedException("the runtime collected by itself in every attempt");
    }

    // Short-lived small objects, as a training step's tensor handles are.
    private static void Churn(long bytes)
    {
        object? keep = null;
        for (long done = 0; done < bytes; done += 1024)
            keep = new byte[1000];
        GC.KeepAlive(keep);
    }
}
