using Microsoft.ML.Transformer.MLNet.Classification;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>
/// The n-gram bag beside the network: on data where one rare code word decides the class (a linear model of words
/// learns it from a handful of rows, a tiny network in a few steps does not), the wide-and-deep classifier must learn
/// it, and save and load with its n-grams.
/// </summary>
[TestClass]
public sealed class WideAndDeepTests
{
    private const int Classes = 16;

    [TestMethod]
    public void NgramsLearnRareCodeWordsThatTheNetworkAloneMisses()
    {
        var ml = new MLContext(5);
        var train = ml.Data.LoadFromEnumerable(Rows(320, seed: 50));
        var test = ml.Data.LoadFromEnumerable(Rows(320, seed: 51));

        double wide = Accuracy(ml, Options(ngrams: true), train, test, out var model);
        double deep = Accuracy(ml, Options(ngrams: false), train, test, out _);
        Console.WriteLine($"accuracy with n-grams {wide:F4}, network alone {deep:F4}");
        Assert.IsGreaterThanOrEqualTo(0.75, wide, "a code word per class is a linear model's easiest case");
        Assert.IsGreaterThanOrEqualTo(deep + 0.3, wide, "the n-grams must carry what the network alone has not learned");

        string path = Path.Combine(TestPaths.NewTempDir(), "wide.zip");
        ml.Model.Save(model, null, path);
        var loaded = ml.Model.Load(path, out _);
        var before = ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(model.Transform(test), false).ToArray();
        var after = ml.Data.CreateEnumerable<ClassifierFixture.Prediction>(loaded.Transform(test), false).ToArray();
        for (int i = 0; i < before.Length; i++)
            CollectionAssert.AreEqual(before[i].Score, after[i].Score, $"row {i}: the loaded model computes the same n-grams");
    }

    private static TextClassificationOptions Options(bool ngrams)
    {
        var options = ClassifierFixture.TinyOptions(seed: 5, epochs: 4);
        options.Ngrams = new NgramOptions { Enabled = ngrams };
        return options;
    }

    private static double Accuracy(MLContext ml, TextClassificationOptions options, IDataView train, IDataView test, out ITransformer model)
    {
        model = ClassifierFixture.Pipeline(ml, options).Fit(train);
        return ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
    }

    /// <summary>Six common words with one class's code word among them; each class has two made-up code words.</summary>
    private static ClassifierFixture.Row[] Rows(int count, int seed)
    {
        var codes = new Random(TestSeed.Shift(7));
        string[][] words = Enumerable.Range(0, Classes)
            .Select(_ => Enumerable.Range(0, 2).Select(_ => new string(Enumerable.Range(0, 7).Select(_ => (char)('a' + codes.Next(26))).ToArray())).ToArray())
            .ToArray();
        string[] filler = ["the", "order", "please", "check", "my", "account", "today", "was", "it", "a", "new", "card",
            "about", "help", "need", "with", "this", "from", "last", "week", "again", "still", "not", "working"];
        var random = new Random(TestSeed.Shift(seed));
        return Enumerable.Range(0, count).Select(i =>
        {
            int label = i % Classes;
            var text = Enumerable.Range(0, 6).Select(_ => filler[random.Next(filler.Length)]).ToList();
            text.Insert(random.Next(text.Count + 1), words[label][random.Next(2)]);
            return new ClassifierFixture.Row { Text = string.Join(' ', text), Intent = "class" + label };
        }).ToArray();
    }
}
