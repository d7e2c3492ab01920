using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Transformer.MLNet.Persistence;

/// <summary>
/// A component's own fields in the model's main stream (Model.key: column names, class names, maximum length,
/// truncation side, pooling, decoding options...), written as one block with its length and SHA-256, so that an
/// edited byte is refused on load instead of silently changing what the model does. Models written before the block
/// existed (format version 1.1; 1.2 for the token-id transform) are read as they were written, unchecked.
/// </summary>
internal static class SealedSettings
{
    /// <summary>The first format version whose main stream holds the sealed block (for every component but the token-id transform).</summary>
    public const uint FirstVersion = 0x00010002;

    /// <summary>The largest block a component writes; a larger recorded length is damage.</summary>
    private const int MaxBytes = 64 << 20;

    /// <summary>Writes the block <paramref name="write"/> fills, then its SHA-256.</summary>
    public static void Write(ModelSaveContext ctx, Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            write(writer);
        byte[] bytes = buffer.ToArray();
        ctx.Writer.Write(bytes.Length);
        ctx.Writer.Write(bytes);
        ctx.Writer.Write(SHA256.HashData(bytes));
    }

    /// <summary>
    /// Reads the block (verifying its digest, and that <paramref name="read"/> consumes it exactly), or for a model
    /// of an earlier version reads the fields straight from the main stream.
    /// </summary>
    /// <param name="ctx">The component's load context, after its header.</param>
    /// <param name="what">What the block holds, for the message ("the classifier's settings").</param>
    /// <param name="read">Reads the fields, in the order they were written.</param>
    /// <param name="firstSealed">The component's first format version that holds the block.</param>
    public static T Read<T>(ModelLoadContext ctx, string what, Func<BinaryReader, T> read, uint firstSealed = FirstVersion)
    {
        if (ctx.Header.ModelVerWritten < firstSealed)
            return Parse(ctx, what, read, ctx.Reader, requireEnd: false);
        int length = ctx.Reader.ReadInt32();
        if (length < 0 || length > MaxBytes)
            throw Corrupt(ctx, what, $"its recorded length ({length} bytes) is impossible");
        byte[] bytes = ctx.Reader.ReadBytes(length);
        byte[] digest = ctx.Reader.ReadBytes(32);
        if (bytes.Length != length || digest.Length != 32)
            throw Corrupt(ctx, what, "the stream ends before the block does");
        if (!SHA256.HashData(bytes).AsSpan().SequenceEqual(digest))
            throw Corrupt(ctx, what, "its SHA-256 digest does not match the one written with it (the file was altered or damaged)");
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return Parse(ctx, what, read, reader, requireEnd: true);
    }

    private static T Parse<T>(ModelLoadContext ctx, string what, Func<BinaryReader, T> read, BinaryReader reader, bool requireEnd)
    {
        T value;
        try
        {
            value = read(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or DecoderFallbackException or InvalidDataException)
        {
            throw Corrupt(ctx, what, "it could not be read: " + e.Message, e);
        }
        if (requireEnd && reader.BaseStream.Position != reader.BaseStream.Length)
            throw Corrupt(ctx, what, $"{reader.BaseStream.Length - reader.BaseStream.Position} byte(s) follow its last field");
        return value;
    }

    private static InvalidDataException Corrupt(ModelLoadContext ctx, string what, string why, Exception? inner = null) =>
        new($"The model entry '{Path.Combine(ctx.Directory ?? "", "Model.key")}' ({what}) is corrupt: {why}.", inner);
}
