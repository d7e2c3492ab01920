using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Tests.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>How each objective turns text into examples: what is hidden, what is predicted, and how often.</summary>
[TestClass]
public sealed class ObjectiveTests
{
    private static ObjectiveSettings Settings(PretrainingObjective kind, int maxLength = 128) => new(kind, maxLength, 0.15, 3, 0.15);

    private static int[] RandomTokens(TextTokenizer tok, int n, Random rng) =>
        Enumerable.Range(0, n).Select(_ => rng.Next(tok.Specials.Count, tok.VocabularySize)).ToArray();

    [TestMethod]
    public void SpanCorruptionHidesSpansBehindSentinelsThatReconstructTheText()
    {
        var tok = TextTokenizer.Bytes(sentinelCount: 20);
        var objective = new SpanCorruption(tok, Settings(PretrainingObjective.SpanCorruption));
        var rng = new Random(1);
        long hidden = 0, total = 0, spans = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            int[] text = RandomTokens(tok, rng.Next(2, 128), rng);
            var e = objective.Corrupt(0, text, rng);
            Assert.AreEqual(tok.Specials.End, e.Input[^1]);
            Assert.AreEqual(tok.Specials.End, e.Labels[^1]);
            CollectionAssert.AreEqual(new[] { tok.Specials.Begin }.Concat(e.Labels[..^1]).ToArray(), e.DecoderInput);

            int[] inputSentinels = e.Input.Where(id => id >= tok.Specials.Sentinel(0) && id < tok.Specials.Count).ToArray();
            int[] labelSentinels = e.Labels.Where(id => id >= tok.Specials.Sentinel(0) && id < tok.Specials.Count).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, inputSentinels.Length).Select(tok.Specials.Sentinel).ToArray(), inputSentinels, "sentinels in order");
            CollectionAssert.AreEqual(inputSentinels, labelSentinels, "each sentinel of the input opens its span in the labels");
            Assert.AreNotEqual(tok.Specials.Sentinel(0), e.Input[0], "a chunk starts with kept tokens");
            CollectionAssert.AreEqual(text, Reconstruct(e, tok), $"trial {trial}");

            hidden += e.Labels.Length - 1 - labelSentinels.Length;
            total += text.Length;
            spans += labelSentinels.Length;
        }
        double density = (double)hidden / total, meanSpan = (double)hidden / spans;
        Console.WriteLine($"noise density {density:F3}, mean span {meanSpan:F2}");
        Assert.AreEqual(0.15, density, 0.01);
        Assert.AreEqual(3.0, meanSpan, 0.35);
    }

    /// <summary>The input with each sentinel replaced by the tokens that follow it in the labels.</summary>
    private static int[] Reconstruct(PretrainingExample e, TextTokenizer tok)
    {
        var spans = new Dictionary<int, List<int>>();
        List<int>? current = null;
        foreach (int id in e.Labels[..^1])
            if (tok.Specials.IsSpecial(id)) spans[id] = current = [];
            else current!.Add(id);
        return e.Input[..^1].SelectMany(id => spans.TryGetValue(id, out var span) ? span : [id]).ToArray();
    }

    [TestMethod]
    public void SpanCountsFollowDensityAndMeanLengthAndSentinelsCoverTheLongestInput()
    {
        Assert.AreEqual((15, 5), SpanCorruption.Spans(100, 0.15, 3));
        Assert.AreEqual((1, 1), SpanCorruption.Spans(2, 0.15, 3), "at least one hidden and one kept token");
        Assert.AreEqual((9, 1), SpanCorruption.Spans(10, 0.95, 10), "never everything");
        Assert.AreEqual(6, SpanCorruption.SentinelsNeeded(127, 0.15, 3));
    }

    [TestMethod]
    public void MaskedLanguageModelChoosesFifteenPercentAndReplacesThemEightyTenTen()
    {
        var tok = TextTokenizer.Bytes();
        var objective = new MaskedLanguageModelling(tok, Settings(PretrainingObjective.MaskedLanguageModel));
        var rng = new Random(2);
        long tokens = 0, chosen = 0, masked = 0, random = 0, kept = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            int[] text = RandomTokens(tok, 100, rng);
            var e = objective.Corrupt(0, text, rng);
            Assert.AreEqual(tok.Specials.Classification, e.Input[0]);
            Assert.AreEqual(tok.Specials.Separator, e.Input[^1]);
            Assert.AreEqual(TokenBatch.IgnoreIndex, e.Labels[0]);
            Assert.AreEqual(TokenBatch.IgnoreIndex, e.Labels[^1]);
            for (int i = 0; i < text.Length; i++)
            {
                int input = e.Input[i + 1], label = e.Labels[i + 1];
                if (label == TokenBatch.IgnoreIndex) { Assert.AreEqual(text[i], input, "unchosen tokens stay"); continue; }
                Assert.AreEqual(text[i], label, "the label is the original token");
                chosen++;
                if (input == tok.Specials.Mask) masked++;
                else if (input == text[i]) kept++;
                else { random++; Assert.IsFalse(tok.Specials.IsSpecial(input), "random replacements are ordinary tokens"); }
            }
            tokens += text.Length;
        }
        Console.WriteLine($"chosen {(double)chosen / tokens:F3}: mask {(double)masked / chosen:F3} random {(double)random / chosen:F3} kept {(double)kept / chosen:F3}");
        Assert.AreEqual(0.15, (double)chosen / tokens, 1e-9, "exactly round(0.15 n) per chunk");
        Assert.AreEqual(0.8, (double)masked / chosen, 0.02);
        Assert.AreEqual(0.1, (double)random / chosen, 0.02);
        Assert.AreEqual(0.1, (double)kept / chosen, 0.02);
        Assert.AreEqual(1, objective.Corrupt(0, [42], rng).Targets, "a one-token text still predicts one token");
    }

    [TestMethod]
    public void CausalTrainingPacksFullBlocksAndScoringPredictsEveryTokenOnce()
    {
        var tok = TextTokenizer.Bytes();
        var objective = new CausalLanguageModelling(tok, Settings(PretrainingObjective.CausalLanguageModel, maxLength: 8));
        string[] docs = ["hello world", "second document", "3"];
        int[] stream = [.. docs.SelectMany(d => tok.Encode(d).Append(tok.Specials.End))];
        var blocks = new List<(long[] Ids, long[] Labels)>();
        foreach (var batch in objective.TrainingBatches(docs, batchSize: 2, maxTokensPerBatch: 0, seed: 3, device: null))
            using (batch)
            {
                Assert.IsFalse(batch.InputPadded);
                Assert.AreEqual(batch.Tokens.Ids.numel(), batch.Targets, "every position is a target");
                var ids = batch.Tokens.Ids.data<long>().ToArray();
                var labels = batch.Tokens.Labels!.data<long>().ToArray();
                for (int r = 0; r < batch.Tokens.Count; r++)
                    blocks.Add((ids[(r * 8)..(r * 8 + 8)], labels[(r * 8)..(r * 8 + 8)]));
            }
        Assert.HasCount(3, blocks, "30 tokens give three blocks of 8 inputs + 1 target");
        foreach (var (ids, labels) in blocks)
        {
            int start = Enumerable.Range(0, stream.Length - 8).Single(s => stream.Skip(s).Take(8).Select(x => (long)x).SequenceEqual(ids) && s % 8 == 0);
            CollectionAssert.AreEqual(stream[(start + 1)..(start + 9)].Select(x => (long)x).ToArray(), labels, "targets are the inputs shifted by one");
        }

        int[] text = tok.Encode("a somewhat longer document");
        var windows = objective.ScoringExamples(7, text).ToList();
        CollectionAssert.AreEqual(new[] { tok.Specials.End }.Concat(text).ToArray(), windows.SelectMany(w => w.Input).ToArray());
        CollectionAssert.AreEqual(text.Append(tok.Specials.End).ToArray(), windows.SelectMany(w => w.Labels).ToArray());
        Assert.IsTrue(windows.All(w => w.Row == 7 && w.Input.Length <= 8));
        Assert.IsEmpty(objective.ScoringExamples(0, []), "an empty text has nothing to predict");
    }

    [TestMethod]
    public void BatchesPadWithIgnoredLabelsAndPerRowLossesAddUpToTheMean()
    {
        var tok = TextTokenizer.Bytes(sentinelCount: 8);
        var objective = new SpanCorruption(tok, Settings(PretrainingObjective.SpanCorruption, maxLength: 32));
        var rng = new Random(4);
        var examples = Enumerable.Range(0, 5).Select(i => objective.Corrupt(i, RandomTokens(tok, 6 + 5 * i, rng), rng)).ToArray();
        using var batch = new ExampleBatcher(8, 0, null).Build(examples);
        Assert.IsTrue(batch.InputPadded);
        Assert.AreEqual(examples.Sum(e => e.Targets), batch.Targets);
        var labels = batch.Tokens.Labels!;
        Assert.AreEqual(batch.Targets, labels.ne(TokenBatch.IgnoreIndex).sum().item<long>(), "padding carries the ignore index");
        Assert.AreEqual(0L, batch.Tokens.Ids.masked_select(batch.Tokens.PaddingMask).abs().sum().item<long>(), "padding is the pad id");

        var model = TinyModels.Create(TinyModels.Options() with { VocabularySize = tok.VocabularySize, MaxLength = 40 });
        using var noGrad = no_grad();
        double mean = PretrainingLoss.Mean(objective, model, batch).item<float>();
        var (sum, count) = PretrainingLoss.PerRow(objective, model, batch);
        CollectionAssert.AreEqual(examples.Select(e => (long)e.Targets).ToArray(), count);
        Assert.AreEqual(mean, sum.Sum() / count.Sum(), 1e-5);
    }
}
