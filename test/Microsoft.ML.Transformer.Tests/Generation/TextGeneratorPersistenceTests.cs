using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Generation;

namespace Microsoft.ML.Transformer.Tests.Generation;

/// <summary>A saved generator reloads with its network, tokenizer and decoding options; streaming gives the same text.</summary>
[TestClass]
public sealed class TextGeneratorPersistenceTests
{
    [TestMethod]
    public void SaveThenLoadGeneratesIdentically()
    {
        var (ml, trained, _, test, _) = TextGeneratorFixture.Model;
        var model = trained.WithDecoding(trained.Decoding with
        {
            Strategy = DecodingStrategy.Beam, BeamWidth = 3, LengthPenalty = 0.5, StopSequences = ["jj"], MaxNewTokens = 10,
            Precision = Microsoft.ML.Transformer.Modeling.Precision.BFloat16,
        });
        string path = Path.Combine(TestPaths.NewTempDir(), "generator.zip");
        ml.Model.Save(model, test.Schema, path);

        var loaded = ml.Model.Load(path, out var schema);
        Assert.IsInstanceOfType<TextGenerationTransformer>(loaded);
        var reloaded = (TextGenerationTransformer)loaded;
        Assert.AreEqual(model.Decoding with { StopSequences = [] }, reloaded.Decoding with { StopSequences = [] });
        CollectionAssert.AreEqual(model.Decoding.StopSequences.ToArray(), reloaded.Decoding.StopSequences.ToArray());
        Assert.AreEqual("Output", reloaded.OutputColumnName);
        Assert.AreEqual("LogProbability", reloaded.LogProbabilityColumnName);
        // The training curve belongs to the Fit (and survives WithDecoding); a zip holds the model only.
        Assert.AreSame(trained.TrainingHistory, model.TrainingHistory);
        Assert.IsGreaterThan(10, trained.TrainingHistory!.Records.Count);
        Assert.IsNull(reloaded.TrainingHistory);

        var before = TextGeneratorFixture.Generate(ml, model, test);
        var after = TextGeneratorFixture.Generate(ml, loaded, test);
        CollectionAssert.AreEqual(before.Select(g => g.Output).ToArray(), after.Select(g => g.Output).ToArray());
        CollectionAssert.AreEqual(before.Select(g => g.LogProbability).ToArray(), after.Select(g => g.LogProbability).ToArray());
        Assert.IsTrue(before.All(g => !g.Output.Contains("jj", StringComparison.Ordinal)), "the stop sequence cuts every text");
    }

    [TestMethod]
    public void StreamedPiecesConcatenateToTheGeneratedText()
    {
        var (ml, model, rows, _, _) = TextGeneratorFixture.Model;
        using var engine = ml.Model.CreatePredictionEngine<TextGeneratorFixture.Pair, TextGeneratorFixture.Generated>(model);
        var sampling = model.Decoding with { Strategy = DecodingStrategy.Sampling, Seed = 11 };
        using var samplingEngine = ml.Model.CreatePredictionEngine<TextGeneratorFixture.Pair, TextGeneratorFixture.Generated>(model.WithDecoding(sampling));

        foreach (var row in rows.Take(10).Append(new TextGeneratorFixture.Pair { Source = "" }))
        {
            var pieces = Collect(model.GenerateStreamingAsync(row.Source));
            Assert.AreEqual(engine.Predict(row).Output, string.Concat(pieces), $"source '{row.Source}'");
            Assert.IsTrue(pieces.All(p => p.Length > 0));
            var sampled = Collect(model.GenerateStreamingAsync(row.Source, sampling));
            Assert.AreEqual(samplingEngine.Predict(row).Output, string.Concat(sampled), $"sampled, source '{row.Source}'");
        }
    }

    [TestMethod]
    public void StreamingCanBeCancelled()
    {
        var (_, model, rows, _, _) = TextGeneratorFixture.Model;
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() => Collect(model.GenerateStreamingAsync(rows[0].Source, cancellationToken: cancellation.Token)));
    }

    private static List<string> Collect(IAsyncEnumerable<string> pieces) =>
        Task.Run(async () =>
        {
            var list = new List<string>();
            await foreach (string piece in pieces)
                list.Add(piece);
            return list;
        }).GetAwaiter().GetResult();
}
