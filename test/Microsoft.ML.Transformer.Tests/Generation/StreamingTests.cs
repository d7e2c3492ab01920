using System.Text;
using Microsoft.ML.Transformer.Generation;
using static Microsoft.ML.Transformer.Tests.Generation.StandInModels;

namespace Microsoft.ML.Transformer.Tests.Generation;

[TestClass]
public sealed class StreamingTests
{
    // Byte-level tokens: id 3 + b is the byte b, so multi-byte characters arrive split over several tokens.
    private const int V = 3 + 256;
    private const string Text = "héllo 🙂 wörld, 日本語!";
    private static readonly long[] Bytes = Encoding.UTF8.GetBytes(Text).Select(b => 3L + b).ToArray();
    private static string Decode(IReadOnlyList<long> tokens) => Encoding.UTF8.GetString(tokens.Where(t => t >= 3).Select(t => (byte)(t - 3)).ToArray());

    private static List<string> StreamAll(DecodingOptions options, CancellationToken token = default)
    {
        using var decoder = new StandInDecoder(Script(Bytes, V), [[Bos]]);
        return new DecodingLoop(options, 256, Eos, Decode).Stream(decoder, [Bos], token).ToList();
    }

    [TestMethod]
    public void Pieces_ConcatenateToTheText_WithoutHalfCharacters()
    {
        foreach (var options in new[] { new DecodingOptions(), new DecodingOptions { Strategy = DecodingStrategy.Sampling, Seed = 3 } })
        {
            var pieces = StreamAll(options);
            Assert.AreEqual(Text, string.Concat(pieces));
            Assert.IsTrue(pieces.Count >= 15, $"{pieces.Count} pieces");
            Assert.IsFalse(pieces.Any(p => p.Contains('\uFFFD') || char.IsHighSurrogate(p[^1])));
            CollectionAssert.Contains(pieces, "🙂");   // 4 bytes, 4 tokens, one piece
        }
    }

    [TestMethod]
    public void StopSequence_IsNeverStreamed()
    {
        // "wö" spans three tokens; "w" alone could still become it, so it is held back and then cut away.
        var pieces = StreamAll(new DecodingOptions { StopSequences = ["wö"] });
        Assert.AreEqual("héllo 🙂 ", string.Concat(pieces));
        // A held-back prefix that never completes is released: "🙂!" starts but never matches.
        Assert.AreEqual(Text, string.Concat(StreamAll(new DecodingOptions { StopSequences = ["🙂!"] })));
    }

    [TestMethod]
    public async Task StreamAsync_YieldsTheSamePieces_AndHonoursCancellation()
    {
        using var decoder = new StandInDecoder(Script(Bytes, V), [[Bos]]);
        var generator = new DecodingLoop(new DecodingOptions(), 256, Eos, Decode);
        var pieces = new List<string>();
        await foreach (string piece in generator.StreamAsync(decoder, [Bos]))
            pieces.Add(piece);
        CollectionAssert.AreEqual(StreamAll(new DecodingOptions()), pieces);

        using var cancel = new CancellationTokenSource();
        using var decoder2 = new StandInDecoder(Script(Bytes, V), [[Bos]]);
        int received = 0;
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await foreach (string piece in generator.StreamAsync(decoder2, [Bos], cancel.Token))
            {
                received++;
                cancel.Cancel();
            }
        });
        Assert.AreEqual(1, received);
    }

    [TestMethod]
    public void BeamSearch_CannotStream()
    {
        using var decoder = new StandInDecoder(Script(Bytes, V), [[Bos]]);
        var generator = new DecodingLoop(new DecodingOptions { Strategy = DecodingStrategy.Beam }, 256, Eos, Decode);
        Assert.ThrowsExactly<NotSupportedException>(() => generator.Stream(decoder, [Bos]));
    }
}
