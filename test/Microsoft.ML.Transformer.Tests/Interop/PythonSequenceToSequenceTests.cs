using System.Text.Json;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tests.Generation;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// Fine-tuning an exported text generator in PyTorch with teacher forcing, the library's sequence-to-sequence objective
/// (an encoder-decoder, and a decoder-only model that reads "[BOS] source [SEP] target"): the 2-process DDP gradients
/// equal one process's, and the imported folder's loss on each (source, target) row in ML.NET is PyTorch's.
/// </summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonSequenceToSequenceTests
{
    [TestMethod]
    public void EncoderDecoderWithBpeFiles()
    {
        var texts = DistributedRun.Texts(40, seed: 8);
        var merges = TextTokenizer.Learn(texts, vocabularySize: 300, sampleRows: 100, seed: 2).Source.Merges!;
        var tokenizer = TextTokenizer.FromBpeFiles(JsonSerializer.Serialize(ByteLevelBpe.VocabularyFromMerges(merges)),
            string.Join("\n", merges.Select(m => m.Left + " " + m.Right)), byteLevel: true);
        Check(tokenizer, encoderLayers: 1, decoderLayers: 2, texts);
    }

    [TestMethod]
    public void DecoderOnlyWithBytes() => Check(TextTokenizer.Bytes(), encoderLayers: 0, decoderLayers: 2, DistributedRun.Texts(40, seed: 9));

    private static void Check(TextTokenizer tokenizer, int encoderLayers, int decoderLayers, string[] texts)
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        string root = TestPaths.NewTempDir();
        var ml = new MLContext(1);
        var options = new ModelOptions
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, Heads = 4, EncoderLayers = encoderLayers, DecoderLayers = decoderLayers,
            FeedForwardDimension = 64, MaxLength = 96, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
        };
        var network = new TextNetwork(options);
        DistributedRun.Randomize(network, seed: 4, std: 0.2);
        var settings = new GeneratorSettings("Source", "Target", "Output", "LogProbability", SourceMaxLength: 24, TargetMaxLength: 20,
            TruncationSide.KeepHead, ScoringBatchSize: 8);
        string model = Path.Combine(root, "start"), data = Path.Combine(root, "pairs.tsv");
        ModelFolder.Export(new TextGenerationTransformer(ml, network, tokenizer, settings, new DecodingOptions { MaxNewTokens = MaxNewTokens }), model);
        // The target is the source's words reversed; some sources are longer than SourceMaxLength and get cut.
        var pairs = texts.Select(t => (Source: t, Target: string.Join(' ', t.Split(' ').Reverse()))).ToArray();
        File.WriteAllLines(data, pairs.Select(p => p.Source + "\t" + p.Target).Prepend("Source\tTarget"));

        string kind = encoderLayers > 0 ? "seq2seq-encoder-decoder" : "seq2seq-decoder-only";
        var run = DistributedRun.Run(root, model, data, steps: 3, "--batch-size", "8", "--learning-rate", "0.01");
        DistributedRun.AssertSameGradients(run, kind);
        var (trained, scores) = (run.Folder, run.Scores);
        float[] mlnet = Losses(ModelFolder.Import(ml, trained), pairs), before = Losses(ModelFolder.Import(ml, model), pairs);
        float[] pytorch = scores["loss"];
        Assert.HasCount(pairs.Length, pytorch);
        double scoreDifference = mlnet.Zip(pytorch).Max(p => Math.Abs(p.First - p.Second));
        double changed = mlnet.Zip(before).Max(p => Math.Abs(p.First - p.Second));
        Console.WriteLine($"RESULT ddp-import objective={kind} rows={pairs.Length} max_abs_loss_difference={scoreDifference:E2} max_change_from_training={changed:E2}");
        Assert.IsGreaterThan(1e-2, changed, "training must have changed the losses");
        Assert.IsLessThanOrEqualTo(1e-4, scoreDifference);

        // Greedy generation: ML.NET's text is the library's decoding of PyTorch's ids, with the same log-probability.
        var imported = ModelFolder.Import(ml, trained);
        var view = ml.Data.LoadFromEnumerable(pairs.Select(p => new TextGeneratorFixture.Pair { Source = p.Source, Target = p.Target }));
        var generated = TextGeneratorFixture.Generate(ml, imported, view);
        var source = ((TextModelTransformerBase)imported).Source!;
        long[] ids = run.Ids["generated"];
        float[] logProbabilities = scores["log_probability"];
        double logProbabilityDifference = 0;
        int tokens = 0;
        for (int i = 0; i < pairs.Length; i++)
        {
            int[] row = [.. ids.Skip(i * MaxNewTokens).Take(MaxNewTokens).TakeWhile(id => id >= 0).Select(id => (int)id)];
            tokens += row.Length;
            Assert.AreEqual(source.Tokenizer.Decode(row), generated[i].Output, $"row {i}");
            logProbabilityDifference = Math.Max(logProbabilityDifference, Math.Abs(generated[i].LogProbability - logProbabilities[i]));
        }
        Console.WriteLine($"RESULT ddp-generate objective={kind} rows={pairs.Length} tokens={tokens} same_text=true max_abs_log_probability_difference={logProbabilityDifference:E2}");
        Assert.IsGreaterThan(pairs.Length, tokens, "the generator must generate something");
        Assert.IsLessThanOrEqualTo(1e-3, logProbabilityDifference);
    }

    private const int MaxNewTokens = 12;

    // The library's teacher-forcing loss of each row on its own (what its generator trains on and reports).
    private static float[] Losses(ITransformer imported, (string Source, string Target)[] pairs)
    {
        var generator = (TextGenerationTransformer)imported;
        var source = generator.Source!;
        var forcing = new TeacherForcing(source.Network, source.Tokenizer, generator.Settings);
        return [.. pairs.Select((p, i) => (float)forcing.Measure([new TextRow(i, p.Source, p.Target)], 1).Loss)];
    }
}
