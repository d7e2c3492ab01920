namespace Microsoft.ML.Transformer.Memory;

/// <summary>
/// Caps how much short-lived managed garbage waits for the runtime's first generation to fill, whatever the CPU's cache
/// size made that generation's budget.
/// </summary>
internal static class ManagedGarbage
{
    private static long allocatedAtMark = GC.GetTotalAllocatedBytes();
    private static int collectionsAtMark = GC.CollectionCount(0);

    /// <summary>A generation-0 collection when over <paramref name="budget"/> bytes were allocated since the last collection.</summary>
    public static void CollectIfOver(long budget)
    {
        long allocated = GC.GetTotalAllocatedBytes();
        int collections = GC.CollectionCount(0);
        if (collections != Volatile.Read(ref collectionsAtMark))
            Mark(allocated, collections);            // the runtime collected by itself: count from there
        else if (allocated - Volatile.Read(ref allocatedAtMark) > budget)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            Mark(allocated, GC.CollectionCount(0));
        }
    }

    private static void Mark(long allocated, int collections)
    {
        Volatile.Write(ref allocatedAtMark, allocated);
        Volatile.Write(ref collectionsAtMark, collections);
    }
}
