using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>A seeded local shuffle of a stream in bounded memory: the larger the buffer, the closer to a full shuffle.</summary>
internal static class ShuffleBuffer
{
    /// <summary>
    /// Fills a buffer of <paramref name="size"/> items, then emits a random item of it for each incoming one, which
    /// takes its place; at the end, the rest of the buffer in random order.
    /// </summary>
    public static IEnumerable<T> Shuffle<T>(IEnumerable<T> source, int size, Random rng)
    {
        var buffer = new List<T>(Math.Min(size, 65_536));
        foreach (var item in source)
        {
            if (buffer.Count < size) { buffer.Add(item); continue; }
            int j = rng.Next(size);
            yield return buffer[j];
            buffer[j] = item;
        }
        rng.Shuffle(CollectionsMarshal.AsSpan(buffer));
        foreach (var item in buffer) yield return item;
    }
}
