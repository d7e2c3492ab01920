using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Transformer.Interop;

/// <summary>One tensor of a safetensors file: its name, element type (e.g. "F32"), shape and little-endian bytes.</summary>
internal sealed record SafeTensor(string Name, string DType, long[] Shape, byte[] Data);

/// <summary>
/// The safetensors format, written and read here (no code is ever executed from a file): an 8-byte little-endian header
/// length n, n bytes of JSON header (name → dtype, shape, data_offsets; optional "__metadata__" of strings), then the
/// raw little-endian bytes of every tensor, offsets relative to the end of the header. Reading refuses any file whose
/// header or ranges do not describe its body exactly.
/// </summary>
internal static class SafeTensorsFile
{
    /// <summary>Header key of the optional string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    // Headers beyond this are refused before they are allocated (the reference implementation's limit).
    private const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>The file's bytes: header (padded with spaces to a multiple of 8 bytes), then the tensors in the given order.</summary>
    public static void Write(Stream stream, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType);
                json.WriteStartArray("shape");
                foreach (long size in tensor.Shape) json.WriteNumberValue(size);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Padding keeps every tensor 8-byte aligned for readers that map the file.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var tensor in tensors) stream.Write(tensor.Data);
    }

    /// <summary>
    /// Reads and validates a whole file: the header length lies within the file; the header is a JSON object of
    /// known dtypes, non-negative shapes and offsets whose ranges match the shapes, lie within the body and cover it
    /// contiguously without overlap; names are unique. Throws <see cref="InvalidDataException"/> naming the first fault.
    /// </summary>
    /// <param name="file">The whole file.</param>
    /// <param name="name">The file's name, for messages.</param>
    public static (IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(byte[] file, string name)
    {
        if (file.Length < 8)
            throw Bad(name, $"it holds {file.Length} bytes, fewer than the 8 of the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(file.Length - 8))
            throw Bad(name, $"its header length ({headerLength} bytes) exceeds the {file.Length - 8} bytes after the length field");
        int bodyStart = 8 + (int)headerLength;
        long bodyLength = file.Length - bodyStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw Bad(name, "its header is not valid JSON: " + e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(name, $"its header is a JSON {document.RootElement.ValueKind}, not an object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Bad(name, $"its header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    ReadMetadata(name, property.Value, metadata);
                else
                    entries.Add(ReadEntry(name, property.Name, property.Value));
            }
            CheckCoverage(name, entries.Select(e => (e.Name, e.Begin, e.End)).ToList(), bodyLength);
            var tensors = entries
                .Select(e => new SafeTensor(e.Name, e.DType, e.Shape, file.AsSpan(bodyStart + (int)e.Begin, (int)(e.End - e.Begin)).ToArray()))
                .ToList();
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string file, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(file, $"its '{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Bad(file, $"its metadata '{item.Name}' is a JSON {item.Value.ValueKind}, not a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static (string Name, string DType, long[] Shape, long Begin, long End) ReadEntry(string file, string tensor, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(file, $"tensor '{tensor}' is described by a JSON {value.ValueKind}, not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad(file, $"tensor '{tensor}' has no dtype string");
        string dtype = dtypeElement.GetString()!;
        if (!ElementSizes.TryGetValue(dtype, out int elementSize))
            throw Bad(file, $"tensor '{tensor}' has the unknown dtype '{dtype}' (known: {string.Join(", ", ElementSizes.Keys)})");
        long[] shape = Integers(file, tensor, value, "shape");
        if (shape.Any(s => s < 0))
            throw Bad(file, $"tensor '{tensor}' has a negative size in its shape [{string.Join(", ", shape)}]");
        long[] offsets = Integers(file, tensor, value, "data_offsets");
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw Bad(file, $"tensor '{tensor}' has data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with 0 <= begin <= end");
        long count = 1;
        foreach (long size in shape)
            count = size == 0 || count <= long.MaxValue / size / elementSize ? count * size
                : throw Bad(file, $"tensor '{tensor}' has a shape [{string.Join(", ", shape)}] too large to address");
        if (offsets[1] - offsets[0] != count * elementSize)
            throw Bad(file, $"tensor '{tensor}' spans {offsets[1] - offsets[0]} bytes but its shape [{string.Join(", ", shape)}] " +
                $"of {dtype} needs {count * elementSize}");
        return (tensor, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] Integers(string file, string tensor, JsonElement value, string key)
    {
        if (!value.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Bad(file, $"tensor '{tensor}' has no '{key}' array");
        return array.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out long n) ? n
                : throw Bad(file, $"tensor '{tensor}' has a '{key}' entry that is not an integer ({item.GetRawText()})"))
            .ToArray();
    }

    // The ranges, sorted, must tile [0, body length) exactly: no gap, no overlap, no byte outside.
    private static void CheckCoverage(string file, List<(string Name, long Begin, long End)> ranges, long bodyLength)
    {
        long expected = 0;
        foreach (var (tensor, begin, end) in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (end > bodyLength)
                throw Bad(file, $"tensor '{tensor}' ends at byte {end} of the body but the body holds {bodyLength} bytes (truncated file or a header that lies)");
            if (begin < expected)
                throw Bad(file, $"tensor '{tensor}' starts at byte {begin}, inside the previous tensor's range (ending at {expected})");
            if (begin > expected)
                throw Bad(file, $"tensor '{tensor}' starts at byte {begin}, leaving a gap after byte {expected}");
            expected = end;
        }
        if (expected != bodyLength)
            throw Bad(file, $"its tensors cover {expected} bytes of the body but it holds {bodyLength}");
    }

    private static InvalidDataException Bad(string file, string why) => new($"The safetensors file '{file}' is invalid: {why}.");
}
