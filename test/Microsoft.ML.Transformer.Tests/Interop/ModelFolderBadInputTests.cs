using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.Transformer.Interop;
using Microsoft.ML.Transformer.Tests.Pretraining;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// Folders that do not fit: each fails on import with an error naming what differs. The tampering tests rewrite the
/// file's digest in config.json too, so that the check under test (not the digest) is what catches them.
/// </summary>
[TestClass]
public sealed class ModelFolderBadInputTests
{
    private const string Embedding = "embedding.weight";

    private static string Exported(ITransformer? model = null)
    {
        string folder = Path.Combine(TestPaths.NewTempDir(), "model");
        ModelFolder.Export(model ?? PretrainingFixture.MaskedModel.Model, folder);
        return folder;
    }

    [TestMethod]
    public void MissingTensorIsNamed() =>
        Expect(WithTensors(t => t.Where(x => x.Name != Embedding)), $"the tensor '{Embedding}' of the network described by config.json is missing");

    [TestMethod]
    public void ExtraTensorIsNamed() =>
        Expect(WithTensors(t => t.Append(new SafeTensor("encoder.layers.9.extra", "F32", [2], new byte[8]))), "'encoder.layers.9.extra', which the network");

    [TestMethod]
    public void MisShapedTensorIsNamedWithBothShapes() =>
        Expect(WithTensors(t => t.Select(x => x.Name == Embedding ? x with { Shape = [x.Shape[1], x.Shape[0]] } : x)),
            $"tensor '{Embedding}' has shape [48, ");

    [TestMethod]
    public void WrongDtypeIsNamed() =>
        Expect(WithTensors(t => t.Select(x => x.Name == Embedding ? x with { DType = "F64", Shape = [x.Shape[0], x.Shape[1] / 2] } : x)),
            $"tensor '{Embedding}' is F64; the network expects F32");

    [TestMethod]
    public void UnknownDtypeIsRefused() =>
        Expect(WithTensors(t => t.Select(x => x.Name == Embedding ? x with { DType = "F12" } : x)), "unknown dtype 'F12'");

    [TestMethod]
    public void TruncatedBodyIsRefused() =>
        Expect(WithBytes(b => b[..^100]), "the body holds");

    [TestMethod]
    public void HeaderLengthBeyondTheFileIsRefused() =>
        Expect(WithBytes(b =>
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)b.Length);
            return b;
        }), "exceeds the");

    [TestMethod]
    public void OffsetsThatOverlapAreRefused() =>
        Expect(WithHeader(h => Retarget(h, 1, delta: -4)), "inside the previous tensor's range");

    [TestMethod]
    public void OffsetsThatLeaveAGapAreRefused() =>
        Expect(WithHeader(h => Retarget(h, 1, delta: +4)), "leaving a gap");

    [TestMethod]
    public void OffsetsThatDisagreeWithTheShapeAreRefused() =>
        Expect(WithHeader(h =>
        {
            var first = FirstTensor(h);
            first["data_offsets"]![1] = (long)first["data_offsets"]![1]! - 4;
            return h;
        }), "needs");

    [TestMethod]
    public void AlteredFileFailsItsDigest()
    {
        string folder = Exported();
        string path = Path.Combine(folder, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Expect(folder, "does not match its SHA-256");
    }

    [TestMethod]
    public void FolderOfAnotherFormatVersionNamesBothVersions() =>
        Expect(WithConfig(c => c["FormatVersion"] = 2), "written with folder format 2 by library version");

    [TestMethod]
    public void AnotherNetworkShapeNamesTheFirstUnexpectedTensor() =>
        Expect(WithConfig(c => c["ModelOptions"]!["EncoderLayers"] = 1), "'encoder.layers.1.");

    [TestMethod]
    public void AlteredVocabularyIsRefused() =>
        Expect(WithConfig(c => c["Tokenizer"]!["SentinelCount"] = 1), "ids where config.json says");

    [TestMethod]
    public void RegressorWithoutItsLabelScaleIsRefused() =>
        Expect(WithConfig(c => c.Remove("Label"), Regression.RegressorFixture.Model.Model), "has no Label, which a TextRegressor needs");

    [TestMethod]
    public void RegressorWithAZeroLabelScaleIsRefused() =>
        Expect(WithConfig(c => c["Label"]!["Scale"] = 0.0, Regression.RegressorFixture.Model.Model), "label scale is invalid");

    [TestMethod]
    public void TaggerWithAnotherLabelCountNamesItsHead() =>
        Expect(WithConfig(c => c["Settings"]!["LabelNames"]!.AsArray().RemoveAt(0), Tagging.TaggerFixture.Model.Model), "tensor 'head.weight' has shape [");

    private static void Expect(string folder, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelFolder.Import(new MLContext(1), folder));
        StringAssert.Contains(e.Message, fragment);
    }

    private static string WithTensors(Func<IReadOnlyList<SafeTensor>, IEnumerable<SafeTensor>> change)
    {
        string folder = Exported();
        string path = Path.Combine(folder, "model.safetensors");
        var (tensors, metadata) = SafeTensorsFile.Read(File.ReadAllBytes(path), "model.safetensors");
        using (var stream = File.Create(path))
            SafeTensorsFile.Write(stream, change(tensors).ToList(), metadata);
        return Redigest(folder);
    }

    private static string WithBytes(Func<byte[], byte[]> change)
    {
        string folder = Exported();
        string path = Path.Combine(folder, "model.safetensors");
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
        return Redigest(folder);
    }

    // Rewrites the JSON header (keeping the body as it is).
    private static string WithHeader(Func<JsonObject, JsonObject> change) => WithBytes(bytes =>
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, length))!.AsObject();
        byte[] json = Encoding.UTF8.GetBytes(change(header).ToJsonString());
        var result = new byte[8 + json.Length + bytes.Length - 8 - length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        bytes.AsSpan(8 + length).CopyTo(result.AsSpan(8 + json.Length));
        return result;
    });

    private static string WithConfig(Action<JsonObject> change, ITransformer? model = null)
    {
        string folder = Exported(model);
        string path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(config);
        File.WriteAllText(path, config.ToJsonString());
        return folder;
    }

    private static JsonObject FirstTensor(JsonObject header) =>
        header.Where(p => p.Key != "__metadata__").Select(p => p.Value!.AsObject()).MinBy(t => (long)t["data_offsets"]![0]!)!;

    // Moves the range of the tensor at position `index` (by offset) by delta bytes, keeping its length.
    private static JsonObject Retarget(JsonObject header, int index, long delta)
    {
        var tensor = header.Where(p => p.Key != "__metadata__").Select(p => p.Value!.AsObject())
            .OrderBy(t => (long)t["data_offsets"]![0]!).ElementAt(index);
        var offsets = tensor["data_offsets"]!;
        offsets[0] = (long)offsets[0]! + delta;
        offsets[1] = (long)offsets[1]! + delta;
        return header;
    }

    private static string Redigest(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["Files"]!["model.safetensors"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "model.safetensors"))));
        File.WriteAllText(path, config.ToJsonString());
        return folder;
    }
}
