using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Batching;

[TestClass]
public sealed class PackedStreamTests
{
    [TestMethod]
    public void DocumentsAreJoinedWithEndAndCutIntoFullBlocksWithShiftedTargets()
    {
        var tok = TextTokenizer.Bytes();
        string[] docs = ["hello world", "second document", "3"];
        var stream = tok.Encode(docs[0]).Append(tok.Specials.End).Concat(tok.Encode(docs[1])).Append(tok.Specials.End)
            .Concat(tok.Encode(docs[2])).Append(tok.Specials.End).ToArray(); // 30 tokens
        var packed = new PackedStream(tok, blockSize: 8, new BatcherOptions { BatchSize = 2 });
        var ids = new List<long>();
        var targets = new List<long>();
        foreach (var b in packed.Batches(docs))
            using (b)
            {
                Assert.AreEqual(8, b.Ids.shape[1]);
                Assert.IsFalse(b.PaddingMask.any().item<bool>());
                ids.AddRange(b.Ids.data<long>().ToArray());
                targets.AddRange(b.Labels!.data<long>().ToArray());
            }
        Assert.AreEqual(24, ids.Count, "three full blocks of 8 from 30 tokens (29 targets)");
        CollectionAssert.AreEqual(stream[..24].Select(x => (long)x).ToArray(), ids);
        CollectionAssert.AreEqual(stream[1..25].Select(x => (long)x).ToArray(), targets);
    }
}
