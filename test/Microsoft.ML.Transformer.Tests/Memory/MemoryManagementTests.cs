using System.Runtime;
using Microsoft.ML.Transformer.Memory;
using Microsoft.ML.Transformer.Tests.Pretraining;
using Microsoft.ML.Transformer.Training.Objectives;

namespace Microsoft.ML.Transformer.Tests.Memory;

[TestClass]
public sealed class MemoryManagementTests
{
    [TestMethod]
    public void FitSaysInTheLogWhatWasSetForTheProcess()
    {
        var ml = new MLContext(1);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        ml.Transforms.Text.TransformerPretrainer(PretrainingFixture.Tiny(PretrainingObjective.CausalLanguageModel, steps: 2))
            .Fit(ml.Data.LoadFromEnumerable(PretrainingFixture.Rows(40, seed: 3)));

        string description = MemoryManagement.Description!;
        Assert.IsTrue(lines.Any(l => l.Contains(description, StringComparison.Ordinal)), "the MLContext log carries MemoryManagement.Description");
        Assert.IsTrue(lines.Any(l => l.Contains(MklDispatch.Description!, StringComparison.Ordinal)), "the MLContext log carries MklDispatch.Description");
        if (!OperatingSystem.IsLinux() || !MemoryManagement.Enabled)
            return;
        string? chosen = new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES" }
            .FirstOrDefault(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        if (chosen is not null)
            StringAssert.Contains(description, $"left alone ({chosen}=");
        else
        {
            StringAssert.Contains(description, "glibc keeps freed tensor memory for reuse");
            StringAssert.Contains(description, "malloc_trim", "the log says when the heap is trimmed");
        }
        StringAssert.Contains(description, MemoryManagement.SwitchName, "the log says how to opt out");
    }

    [TestMethod]
    public void HeapIsTrimmedOnlyWhenTheResidentSetRisesAboveTheLearntLevel()
    {
        const long mb = 1024 * 1024;
        var guard = new ResidentGuard(stepsToLearn: 3, allowedGrowth: 0.1);
        Assert.IsFalse(guard.TrimAfter(500 * mb) || guard.TrimAfter(900 * mb) || guard.TrimAfter(1000 * mb), "never while learning the level");
        Assert.IsFalse(guard.TrimAfter(1100 * mb), "10% above the highest learnt (1000 MB) is allowed");
        Assert.IsFalse(guard.TrimAfter(700 * mb), "falling is fine");
        Assert.IsTrue(guard.TrimAfter(1101 * mb), "more than 10% above: trim");
        Assert.IsFalse(guard.TrimAfter(2000 * mb) || guard.TrimAfter(300 * mb) || guard.TrimAfter(400 * mb), "the level is learnt again after a trim");
        Assert.IsFalse(guard.TrimAfter(2200 * mb));
        Assert.IsTrue(guard.TrimAfter(2201 * mb), "the new level is the highest of the new learning steps");
        guard.Restart();
        Assert.IsFalse(guard.TrimAfter(10 * mb) || guard.TrimAfter(10 * mb) || guard.TrimAfter(10 * mb), "a restart learns again");
        Assert.IsTrue(guard.TrimAfter(12 * mb));
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
