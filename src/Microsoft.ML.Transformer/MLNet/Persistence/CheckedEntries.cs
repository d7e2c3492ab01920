using System.Security.Cryptography;

namespace Microsoft.ML.Transformer.MLNet.Persistence;

/// <summary>
/// Binary entries of a model zip whose length and SHA-256 are stored beside them in the model's main stream and
/// verified on load. The zip reader does not check CRCs: without this, flipped bytes inside the weights would load
/// silently and change every score.
/// </summary>
internal static class CheckedEntries
{
    public static void Save(ModelSaveContext ctx, string name, byte[] payload)
    {
        ctx.Writer.Write(name);
        ctx.Writer.Write((long)payload.Length);
        ctx.Writer.Write(SHA256.HashData(payload));
        ctx.SaveBinaryStream(name, w => w.Write(payload));
    }

    public static byte[] Load(ModelLoadContext ctx, string name)
    {
        string stored = ctx.Reader.ReadString();
        if (stored != name)
            throw Corrupt(ctx, name, $"the table of entries in {MainStream(ctx)} names '{stored}' where '{name}' was expected");
        long length = ctx.Reader.ReadInt64();
        byte[] expectedHash = ctx.Reader.ReadBytes(32);
        if (length < 0 || length > int.MaxValue || expectedHash.Length != 32)
            throw Corrupt(ctx, name, $"its length or digest recorded in {MainStream(ctx)} is unreadable");

        byte[]? payload = null;
        bool found;
        try
        {
            found = ctx.TryLoadBinaryStream(name, r => payload = r.ReadBytes((int)length + 1));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
        {
            throw Corrupt(ctx, name, "it could not be read: " + e.Message, e);
        }
        if (!found || payload == null)
            throw Corrupt(ctx, name, "the entry is missing from the zip");
        if (payload.Length != length)
            throw Corrupt(ctx, name, $"it holds {payload.Length} bytes where {MainStream(ctx)} records {length}");
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(expectedHash))
            throw Corrupt(ctx, name, $"its SHA-256 digest does not match the one recorded for it in {MainStream(ctx)} (one of the two was altered or damaged)");
        return payload;
    }

    // The table of entries (names, lengths, digests) is in the component's main stream, so damage there is named too.
    private static string MainStream(ModelLoadContext ctx) => Path.Combine(ctx.Directory ?? "", "Model.key");

    private static InvalidDataException Corrupt(ModelLoadContext ctx, string name, string why, Exception? inner = null) =>
        new($"The model entry '{Path.Combine(ctx.Directory ?? "", name)}' is corrupt: {why}.", inner);
}
