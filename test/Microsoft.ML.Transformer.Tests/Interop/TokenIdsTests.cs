using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.TokenIds;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tests.Pretraining;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>
/// The token-id transform (the step in front of an exported ONNX graph) writes the ids the exported component reads,
/// saves into a model zip, and refuses folders and options it cannot serve, naming them.
/// </summary>
[TestClass]
public sealed class TokenIdsTests
{
    private sealed class PairRow
    {
        public string Question { get; set; } = "";
        public string Answer { get; set; } = "";
    }

    private sealed class Ids
    {
        [ColumnName("input_ids")]
        public long[] Values { get; set; } = [];

        [ColumnName("attention_mask")]
        public long[] Mask { get; set; } = [];
    }

    private static readonly TextTokenizer Tokenizer = TextTokenizer.Bytes();

    // A random-weight classifier exported to a folder: the transform reads its tokenizer and settings, never its weights.
    internal static string ClassifierFolder(ClassifierSettings settings)
    {
        var ml = new MLContext(1);
        var options = new ModelOptions { VocabularySize = Tokenizer.VocabularySize, ModelDimension = 16, Heads = 2, EncoderLayers = 1, DecoderLayers = 0, FeedForwardDimension = 32, MaxLength = 16 };
        var classifier = new TextClassificationTransformer(ml, new ClassifierModel(new TextNetwork(options), 2, Pooling.Mean, dropout: 0),
            Tokenizer, new ClassLabels(["no", "yes"], binary: true), settings);
        string folder = Path.Combine(TestPaths.NewTempDir(), "classifier");
        ModelFolder.Export(classifier, folder);
        return folder;
    }

    [TestMethod]
    public void PairIdsAreTheClassifiersOwnAndSurviveAZip()
    {
        var settings = new ClassifierSettings("Question", "Answer", 12, TruncationSide.KeepHead, 8);
        string folder = ClassifierFolder(settings);
        var ml = new MLContext(2);
        var rows = new[] { new PairRow { Question = "is it open", Answer = "yes, until nine in the evening" }, new PairRow { Question = "", Answer = "" } };
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.TransformerTokenIds(folder).Fit(data);
        CollectionAssert.AreEqual(new[] { "Question", "Answer" }, model.InputColumnNames.ToArray());

        var encoder = settings.Encoder(Tokenizer);
        var expected = rows.Select((r, i) => encoder.Encode(new TextRow(i, r.Question, r.Answer)).Input.Select(x => (long)x).ToArray()).ToArray();
        Assert.AreEqual(12, expected[0].Length, "the first pair is cut to MaxLength");

        string zip = Path.Combine(TestPaths.NewTempDir(), "ids.zip");
        ml.Model.Save(model, data.Schema, zip);
        var loaded = new MLContext(3).Model.Load(zip, out _);
        foreach (var transformer in new[] { (ITransformer)model, loaded })
        {
            var output = transformer.Transform(data);
            var ids = output.GetColumn<long[]>("input_ids").ToArray();
            var masks = output.GetColumn<long[]>("attention_mask").ToArray();
            for (int r = 0; r < rows.Length; r++)
            {
                CollectionAssert.AreEqual(expected[r], ids[r], $"row {r}");
                CollectionAssert.AreEqual(Enumerable.Repeat(1L, expected[r].Length).ToArray(), masks[r], $"row {r}");
            }
            var engine = ml.Model.CreatePredictionEngine<PairRow, Ids>(transformer);
            CollectionAssert.AreEqual(expected[1], engine.Predict(rows[1]).Values, "PredictionEngine, empty pair");
        }
    }

    [TestMethod]
    public void OptionsNameTheColumnsAndTheTextColumnCanBeRenamed()
    {
        string folder = ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepTail, 8));
        var ml = new MLContext(4);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Review = "fine" } });
        var output = ml.Transforms.Text.TransformerTokenIds(new TokenIdsOptions
        {
            ModelFolder = folder, TextColumnName = "Review", TokenIdsColumnName = "ids", AttentionMaskColumnName = "mask",
        }).Fit(data).Transform(data);
        Assert.AreEqual("Vector<Int64>", output.Schema["ids"].Type.ToString());
        Assert.AreEqual(6, output.GetColumn<long[]>("mask").Single().Length, "[CLS] f i n e [SEP]");
    }

    private sealed class Bag
    {
        [ColumnName("ngram_ids")]
        public long[] Ids { get; set; } = [];

        [ColumnName("ngram_weights")]
        public float[] Weights { get; set; } = [];
    }

    [TestMethod]
    public void WideAndDeepClassifierAlsoGetsItsNgramBagsThroughAZip()
    {
        var ngrams = new HashedNgrams(1024, 2, 3);
        string folder = ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8) { Ngrams = ngrams });
        var ml = new MLContext(6);
        var rows = new[] { new { Text = "Not bad at all, Ünïcödé 🙂!" }, new { Text = "" } };
        var data = ml.Data.LoadFromEnumerable(rows);
        var estimator = ml.Transforms.Text.TransformerTokenIds(folder);
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "ngram_ids", "ngram_weights" }, estimator.OutputColumnNames.ToArray());
        var model = estimator.Fit(data);
        Assert.AreEqual("Vector<Single>", model.GetOutputSchema(data.Schema)["ngram_weights"].Type.ToString());
        string zip = Path.Combine(TestPaths.NewTempDir(), "ids.zip");
        ml.Model.Save(model, data.Schema, zip);
        var loaded = new MLContext(7).Model.Load(zip, out _);
        var expected = ngrams.Featurize(rows[0].Text);
        Assert.IsGreaterThan(10, expected.Ids.Length);
        foreach (var transformer in new[] { (ITransformer)model, loaded })
        {
            var bags = ml.Data.CreateEnumerable<Bag>(transformer.Transform(data), reuseRowObject: false).ToArray();
            CollectionAssert.AreEqual(expected.Ids, bags[0].Ids);
            CollectionAssert.AreEqual(expected.Weights, bags[0].Weights);
            // An empty text's empty bag travels as bucket 0 of weight 0 (no ONNX input is empty).
            CollectionAssert.AreEqual(new[] { 0L }, bags[1].Ids);
            CollectionAssert.AreEqual(new[] { 0f }, bags[1].Weights);
        }
    }

    [TestMethod]
    public void AnEditedSettingByteInTheZipIsRefused()
    {
        string folder = ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8));
        var ml = new MLContext(8);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Text = "fine" } });
        string zip = Path.Combine(TestPaths.NewTempDir(), "ids.zip");
        ml.Model.Save(ml.Transforms.Text.TransformerTokenIds(folder).Fit(data), data.Schema, zip);

        // Rename the ids column inside the saved settings: a well-formed change, so only the block's digest can catch it.
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = archive.Entries.Single(e => e.FullName.EndsWith("Model.key", StringComparison.Ordinal));
            byte[] bytes;
            using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            int at = bytes.AsSpan().IndexOf("input_ids"u8);
            Assert.IsGreaterThanOrEqualTo(0, at, "the ids column's name is in the settings");
            bytes[at] = (byte)'j';
            string name = entry.FullName;
            entry.Delete();
            using var w = archive.CreateEntry(name).Open();
            w.Write(bytes);
        }
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(zip, out _));
        string messages = e.ToString();
        StringAssert.Contains(messages, "the token-id transform's settings");
        StringAssert.Contains(messages, "SHA-256");
    }

    [TestMethod]
    public void NgramColumnNamedLikeAnotherIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.Text.TransformerTokenIds(
            new TokenIdsOptions { ModelFolder = "unused", NgramWeightsColumnName = TokenIdsOptions.DefaultAttentionMaskColumnName }));
        StringAssert.Contains(e.Message, "AttentionMaskColumnName and NgramWeightsColumnName are both 'attention_mask'");
    }

    [TestMethod]
    public void MissingFolderIsNamed()
    {
        string absent = Path.Combine(TestPaths.NewTempDir(), "absent");
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => new MLContext().Transforms.Text.TransformerTokenIds(absent));
        StringAssert.Contains(e.Message, absent);
    }

    [TestMethod]
    public void NoFolderGivenIsNamed()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.Text.TransformerTokenIds(new TokenIdsOptions()));
        StringAssert.Contains(e.Message, "ModelFolder");
    }

    [TestMethod]
    public void PretrainingFolderIsRefusedNamingTheComponent()
    {
        string folder = Path.Combine(TestPaths.NewTempDir(), "pretraining");
        ModelFolder.Export(PretrainingFixture.MaskedModel.Model, folder);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Transforms.Text.TransformerTokenIds(folder));
        StringAssert.Contains(e.Message, "holds a TextPretraining");
    }

    [TestMethod]
    public void SecondColumnForAOneTextClassifierIsRefused()
    {
        string folder = ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.Text.TransformerTokenIds(
            new TokenIdsOptions { ModelFolder = folder, SecondTextColumnName = "Other" }));
        StringAssert.Contains(e.Message, "SecondTextColumnName is 'Other'");
    }

    [TestMethod]
    public void MissingTextColumnIsNamedAtFit()
    {
        string folder = ClassifierFolder(new ClassifierSettings("Text", null, 16, TruncationSide.KeepHead, 8));
        var ml = new MLContext(5);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Body = "x" } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TransformerTokenIds(folder).Fit(data));
        StringAssert.Contains(e.Message, "'Text' was not found");
    }

    [TestMethod]
    public void SameNameForIdsAndMaskIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Transforms.Text.TransformerTokenIds(
            new TokenIdsOptions { ModelFolder = "unused", AttentionMaskColumnName = TokenIdsOptions.DefaultTokenIdsColumnName }));
        StringAssert.Contains(e.Message, "both 'input_ids'");
    }
}
