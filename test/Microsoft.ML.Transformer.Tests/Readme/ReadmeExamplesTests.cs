using Microsoft.ML;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Evaluation;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.Interpretability;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.MLNet.Pretraining;
using Microsoft.ML.Transformer.MLNet.QuestionAnswering;
using Microsoft.ML.Transformer.MLNet.Tagging;
using Microsoft.ML.Transformer.Training.Objectives;

// Outside the Microsoft.ML namespaces, with exactly the README's using directives (ReadmeCodeTests checks both), so
// this file compiles only if those directives are all a reader needs.
namespace ReadmeExamples;

/// <summary>
/// The C# examples of README.md, one test per section, run as written on tiny generated data. Every statement line of
/// the README occurs here (ReadmeCodeTests); what is added around them is marked "not in the README": the data the
/// README leaves out, tiny network and training options, and the checks.
/// </summary>
[TestClass]
public sealed class ReadmeExamplesTests
{
    // The README writes "intents.zip", "heads.png"... in the current folder: each test runs in this one.
    private static readonly string Folder = Microsoft.ML.Transformer.Tests.TestPaths.NewTempDir();   // deleted when the run ends
    private string _previousFolder = "";

    [TestInitialize]
    public void EnterFolder()
    {
        _previousFolder = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Folder);
    }

    [TestCleanup]
    public void LeaveFolder() => Directory.SetCurrentDirectory(_previousFolder);

    private sealed record Classified(MLContext Ml, IDataView Train, ITransformer Model, Microsoft.ML.Data.MulticlassClassificationMetrics Metrics);

    private static readonly Lazy<Classified> Classification = new(ClassifyText);

    /// <summary>"Classify text", with the simple overload and its default network (one batch of rows: ten steps).</summary>
    private static Classified ClassifyText()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ReadmeData.Requests(ml, 20, seed: 1), test = ReadmeData.Requests(ml, 10, seed: 2);   // not in the README

        var labels = ml.Transforms.Conversion.MapValueToKey("Label", "Intent").Fit(train);   // apart: the saved model needs only the text
        var pipeline = ml.MulticlassClassification.Trainers.TransformerClassifier(labelColumnName: "Label", textColumnName: "Text", epochs: 10)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedIntent", "PredictedLabel"));
        var model = pipeline.Fit(labels.Transform(train));

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(labels.Transform(test)));   // ML.NET's own evaluator
        ml.Model.Save(model, train.Schema, "intents.zip");
        return new Classified(ml, train, model, metrics);
    }

    [TestMethod]
    public void ClassifyText_TrainsEvaluatesAndSaves()
    {
        var metrics = Classification.Value.Metrics;
        Assert.AreEqual(10L, (long)metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()), "every test row is evaluated");
        Assert.IsTrue(double.IsFinite(metrics.LogLoss) && metrics.LogLoss > 0, $"log-loss {metrics.LogLoss}");
        Assert.IsTrue(File.Exists(Path.Combine(Folder, "intents.zip")));
    }

    /// <summary>docs/PACKAGE.md's "A first classifier" (the package's readme on the feed), as written there.</summary>
    [TestMethod]
    public void PackageReadme_AFirstClassifier_TrainsAndSaves()
    {
        // Its own folder: the README's sections save a different model under the same name "intents.zip".
        string folder = Microsoft.ML.Transformer.Tests.TestPaths.NewTempDir();   // not in the README
        Directory.SetCurrentDirectory(folder);                                          // not in the README
        var ml = new MLContext(seed: 1);
        IDataView train = ReadmeData.Requests(ml, 20, seed: 1);   // not in the README
        var model = ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
            .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(labelColumnName: "Label", textColumnName: "Text", epochs: 10))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedIntent", "PredictedLabel"))
            .Fit(train);
        ml.Model.Save(model, train.Schema, "intents.zip");

        var loaded = new MLContext(seed: 2).Model.Load(Path.Combine(folder, "intents.zip"), out _);   // not in the README
        var intents = Microsoft.ML.Data.ColumnCursorExtensions.GetColumn<string>(loaded.Transform(train), "PredictedIntent").ToArray();
        Assert.AreEqual(20, intents.Length, "every row is scored by the saved model");
        Assert.IsTrue(intents.All(i => !string.IsNullOrEmpty(i)), "predicted keys map back to intent names");
    }

    /// <summary>"Score a pair of texts", with the simple overload and its default network (one batch of pairs: ten steps).</summary>
    [TestMethod]
    public void ScoreAPairOfTexts_TrainsAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        IDataView pairs = ReadmeData.Pairs(ml, 24, seed: 1), heldOut = ReadmeData.Pairs(ml, 10, seed: 2);   // not in the README

        var regressor = ml.Regression.Trainers.TransformerRegressor(labelColumnName: "Similarity",
            textColumnName: "First", secondTextColumnName: "Second", epochs: 10).Fit(pairs);
        IDataView similarities = regressor.Transform(heldOut);                  // adds "Score" (Single)
        var errors = ml.Regression.Evaluate(similarities, labelColumnName: "Similarity");                  // ML.NET's own evaluator
        CorrelationMetrics correlation = CorrelationMetrics.Evaluate(similarities, labelColumnName: "Similarity");   // Pearson, Spearman

        Assert.IsTrue(double.IsFinite(errors.RootMeanSquaredError) && errors.RootMeanSquaredError > 0, $"RMSE {errors.RootMeanSquaredError}");
        Assert.AreEqual(10, correlation.Count, "every held-out pair is scored");
    }

    /// <summary>"Tag entities in a text", with the simple overload and its default network (one batch of sentences: ten steps).</summary>
    [TestMethod]
    public void TagEntities_TrainsEvaluatesAndLabelsSpans()
    {
        var ml = new MLContext(seed: 1);
        IDataView sentences = ReadmeData.Sentences(ml, 24, seed: 1), heldOut = ReadmeData.Sentences(ml, 10, seed: 2);   // not in the README

        var tagger = ml.Transforms.Conversion.MapValueToKey("Label", "Tags")
            .Append(ml.MulticlassClassification.Trainers.TransformerEntityTagger(labelColumnName: "Label", textColumnName: "Text", epochs: 10))
            .Fit(sentences);
        IDataView tagged = tagger.Transform(heldOut);          // adds PredictedLabel (a key per word) and the entities found
        EntityMetrics entities = EntityMetrics.Evaluate(tagged, labelColumnName: "Label", predictedLabelColumnName: TaggingColumns.PredictedLabel);
        string[] tags = EntityWords.Labels("The Eagle is near Café Rouge.", [(0, 9, "name"), (18, 10, "near")]);   // B-name I-name O O B-near I-near O

        Assert.AreEqual(10, entities.Rows, "every held-out sentence is scored");
        Assert.IsGreaterThan(0, entities.Overall.Expected);
        CollectionAssert.AreEqual(new[] { "B-name", "I-name", "O", "O", "B-near", "I-near", "O" }, tags);
    }

    /// <summary>"Answer questions from a text", with the simple overload and its default network (one batch of questions: ten steps).</summary>
    [TestMethod]
    public void AnswerQuestions_TrainsEvaluatesAndAnswersWithSpans()
    {
        var ml = new MLContext(seed: 1);
        IDataView questions = ReadmeData.Questions(ml, 24, seed: 1), heldOut = ReadmeData.Questions(ml, 10, seed: 2);   // not in the README

        var answerer = ml.MulticlassClassification.Trainers.TransformerQuestionAnswerer(contextColumnName: "Context",
            questionColumnName: "Question", answerColumnName: "Answer", answerStartColumnName: "AnswerStart", epochs: 10, topK: 3).Fit(questions);
        IDataView answered = answerer.Transform(heldOut);      // adds PredictedAnswer, PredictedAnswerStart, Score and the top 3 answers
        QuestionAnsweringMetrics squad = QuestionAnsweringMetrics.Evaluate(answered, answerColumnName: "Answer", predictedAnswerColumnName: AnswerColumns.PredictedAnswer);

        Assert.AreEqual(10, squad.Rows, "every held-out question is answered");
        Assert.IsTrue(squad.F1 >= squad.ExactMatch && squad.F1 <= 1, $"EM {squad.ExactMatch}, F1 {squad.F1}");
        var top = ml.Data.CreateEnumerable<TopAnswersRow>(answered, reuseRowObject: false).ToArray();
        Assert.IsTrue(top.All(t => t.TopAnswers.Length == 3), "three answers a row");
    }

    private sealed record Pretraining(TextPretrainingTransformer Model, IDataView Scored, TextClassificationEstimator Classifier);

    private static readonly Lazy<Pretraining> Pretrained = new(PretrainThenFineTune);

    /// <summary>"Pretrain on your own unlabelled text, then fine-tune", with a tiny network and short training.</summary>
    private static Pretraining PretrainThenFineTune()
    {
        var ml = new MLContext(seed: 1);
        IDataView unlabelled = ReadmeData.Unlabelled(ml, 160, seed: 3);   // not in the README

        var pretrained = ml.Transforms.Text.TransformerPretrainer(new TextPretrainingOptions
        {
            Model = Tiny.Network(encoderLayers: 1, decoderLayers: 0), Tokenizer = Tiny.LearnedBpe, Training = Tiny.Training(epochs: 2),   // not in the README
            TextColumnName = "Text",
            Objective = PretrainingObjective.MaskedLanguageModel,
        }).Fit(unlabelled);

        var scored = pretrained.Transform(unlabelled);

        var classifier = ml.MulticlassClassification.Trainers.TransformerClassifier(new TextClassificationOptions
        {
            Training = Tiny.Training(epochs: 1),   // not in the README
            BaseModel = pretrained, FreezeEmbeddings = false, FreezeLayers = 0,
        });
        return new Pretraining(pretrained, scored, classifier);
    }

    [TestMethod]
    public void Pretrain_ScoresTextAndFineTunes()
    {
        var (_, scored, classifier) = Pretrained.Value;
        var ml = new MLContext(seed: 1);
        float[] perplexities = ml.Data.CreateEnumerable<PerplexityRow>(scored, reuseRowObject: false).Select(r => r.Perplexity).ToArray();
        Assert.IsTrue(perplexities.Length > 0 && perplexities.All(p => float.IsFinite(p) && p > 1), "per-row perplexity");

        var fineTuned = ml.Transforms.Conversion.MapValueToKey("Label", "Intent").Append(classifier).Fit(ReadmeData.Requests(ml, 48, seed: 4));
        var scores = ml.Data.CreateEnumerable<ScoreRow>(fineTuned.Transform(ReadmeData.Requests(ml, 8, seed: 5)), reuseRowObject: false)
            .Select(r => r.Score).ToArray();
        Assert.HasCount(8, scores);
        Assert.IsTrue(scores.All(s => Math.Abs(s.Sum() - 1) < 1e-4), "class probabilities");
    }

    [TestMethod]
    public async Task GenerateText_EvaluatesAndStreams()
    {
        var ml = new MLContext(seed: 1);
        IDataView pairs = ReadmeData.Dates(ml, 160, seed: 6), test = ReadmeData.Dates(ml, 6, seed: 7);   // not in the README

        var generator = ml.Transforms.Text.TransformerTextGenerator(new TextGenerationOptions
        {
            Model = Tiny.Network(encoderLayers: 1, decoderLayers: 1), Tokenizer = Tiny.Bytes, Training = Tiny.Training(epochs: 1),   // not in the README
            SourceColumnName = "Source", TargetColumnName = "Target",
            Decoding = new DecodingOptions { Strategy = DecodingStrategy.Beam, BeamWidth = 4, MaxNewTokens = 32 },
        }).Fit(pairs);

        IDataView generated = generator.Transform(test);
        TextGenerationMetrics m = ml.TextGeneration().Evaluate(generated, referenceColumnName: "Target", model: generator);

        var sampler = generator.WithDecoding(new DecodingOptions { Strategy = DecodingStrategy.Sampling, Temperature = 0.8, TopP = 0.9, Seed = 1 });
        var pieces = new List<string>();   // not in the README
        await foreach (string piece in sampler.GenerateStreamingAsync("3rd of March 2024"))
        {
            Console.Write(piece);
            pieces.Add(piece);   // not in the README
        }

        Assert.AreEqual(6, m.Count);
        Assert.IsTrue(m.Bleu is >= 0 and <= 100 && m.Perplexity is > 1 && double.IsFinite(m.Perplexity.Value), $"BLEU {m.Bleu}, perplexity {m.Perplexity}");
        var batch = ml.Data.CreateEnumerable<GeneratedRow>(sampler.Transform(ReadmeData.Sources(ml, "3rd of March 2024")), reuseRowObject: false).Single();
        Assert.AreEqual(batch.Generated, string.Concat(pieces), "the streamed pieces make the text Transform generates with the same seed");
    }

    [TestMethod]
    public void Embeddings_FeedSdca_AndAttentionIsDrawn()
    {
        var (ml, train, model, _) = Classification.Value;
        var pretrained = Pretrained.Value.Model;

        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
            .Append(ml.Transforms.Text.TransformerEmbeddings("Features", "Text", pretrained))   // Vector<Single, d_model>
            .AppendCacheCheckpoint(ml)                        // SDCA reads the data many times: embed each row once
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());

        AttentionExplanation a = AttentionExplainer.Explain(model, "I lost my card yesterday");
        AttentionHeatmap.SaveGrid(a.EncoderSelf!, "heads.png");          // tokens on both axes, one panel per head
        AttentionHeatmap.SaveRollout(a.EncoderSelf!, "rollout.png");     // attention rollout across layers

        var sdca = pipeline.Fit(train);   // not in the README: the pipeline trains, on Tiny.Width-wide features
        var features = sdca.Transform(train).Schema["Features"].Type as Microsoft.ML.Data.VectorDataViewType;
        Assert.AreEqual(Tiny.Width, features?.Size);
        Assert.IsTrue(a.EncoderSelf!.LayerCount > 0 && a.EncoderSelf.HeadCount > 0);
        Assert.IsTrue(new FileInfo(Path.Combine(Folder, "heads.png")).Length > 0 && new FileInfo(Path.Combine(Folder, "rollout.png")).Length > 0);
    }

    [TestMethod]
    public void SaveLoadAndServe_PredictsAsTheTrainedModel()
    {
        var trained = Classification.Value;   // not in the README: its first example wrote intents.zip

        var serving = new MLContext();
        ITransformer loaded = serving.Model.Load("intents.zip", out var inputSchema);
        var engine = serving.Model.CreatePredictionEngine<Request, Prediction>(loaded);
        var p = engine.Predict(new Request { Text = "someone took my card" });

        var original = trained.Ml.Model.CreatePredictionEngine<Request, Prediction>(trained.Model).Predict(new Request { Text = "someone took my card" });
        Assert.AreEqual(original.PredictedIntent, p.PredictedIntent);
        Assert.IsNotNull(inputSchema.GetColumnOrNull("Text"));
        // Microsoft.Extensions.ML's PredictionEnginePool loads from a stream: that gives the same model.
        using var stream = File.OpenRead("intents.zip");
        var fromStream = serving.Model.CreatePredictionEngine<Request, Prediction>(serving.Model.Load(stream, out _));
        CollectionAssert.AreEqual(p.Score, fromStream.Predict(new Request { Text = "someone took my card" }).Score);

        ModelFolder.Export(loaded, "intents-folder");
        ITransformer imported = ModelFolder.Import(serving, "intents-folder");
        // The folder holds the classifier itself; the chain's key mappings stay in the zip.
        var scored = serving.Model.CreatePredictionEngine<Request, ScoreOnly>(imported).Predict(new Request { Text = "someone took my card" });
        CollectionAssert.AreEqual(p.Score, scored.Score);
    }

    private sealed class ScoreOnly
    {
        public float[] Score { get; set; } = [];
    }
}
