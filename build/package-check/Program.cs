// The application build/package-check.sh creates with `dotnet new console` and the packed library: it uses only what
// an application sees (the package's public API). "train <folder>" trains a tiny classifier and a tiny generator,
// saves both into <folder> and prints their predictions; "score <folder>" loads both zips with plain
// mlContext.Model.Load and prints the predictions for the same rows, which must be the same lines.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Generation;
using Microsoft.ML.Transformer.MLNet.Classification;
using Microsoft.ML.Transformer.MLNet.Generation;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

if (args.Length != 2 || args[0] is not ("train" or "score"))
{
    Console.Error.WriteLine("usage: PackageCheckApp train|score <folder>");
    return 2;
}
string folder = args[1];
Directory.CreateDirectory(folder);
string classifierZip = Path.Combine(folder, "classifier.zip"), generatorZip = Path.Combine(folder, "generator.zip");
var ml = new MLContext(seed: 1);
var requests = ml.Data.LoadFromEnumerable(Requests(8, seed: 99));
var words = ml.Data.LoadFromEnumerable(Words(8, seed: 99));

ITransformer classifier, generator;
if (args[0] == "train")
{
    classifier = ml.Transforms.Conversion.MapValueToKey("Label", "Intent")
        .Append(ml.MulticlassClassification.Trainers.TransformerClassifier(new TextClassificationOptions
        {
            Model = Tiny(encoderLayers: 1, decoderLayers: 0),
            Tokenizer = new TokenizerOptions { VocabularySize = 300, MaxLength = 24 },
            Training = new TrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 5, Seed = 1 },
        }))
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedIntent", "PredictedLabel"))
        .Fit(ml.Data.LoadFromEnumerable(Requests(240, seed: 1)));
    ml.Model.Save(classifier, requests.Schema, classifierZip);

    generator = ml.Transforms.Text.TransformerTextGenerator(new TextGenerationOptions
    {
        OutputColumnName = "Output",
        LogProbabilityColumnName = "LogProbability",
        Model = Tiny(encoderLayers: 1, decoderLayers: 1),
        Tokenizer = new TokenizerOptions { Kind = TokenizerKind.Bytes, MaxLength = 12 },
        Training = new TrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 5, Seed = 1 },
        Decoding = new DecodingOptions { MaxNewTokens = 8 },
    }).Fit(ml.Data.LoadFromEnumerable(Words(240, seed: 1)));
    ml.Model.Save(generator, words.Schema, generatorZip);
}
else
{
    classifier = ml.Model.Load(classifierZip, out _);
    generator = ml.Model.Load(generatorZip, out _);
}

foreach (var p in ml.Data.CreateEnumerable<Predicted>(classifier.Transform(requests), reuseRowObject: false))
    Console.WriteLine($"classifier '{p.Text}' -> {p.PredictedIntent} [{string.Join(" ", p.Score.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))}]");
var engine = ml.Model.CreatePredictionEngine<Request, Predicted>(classifier);
Console.WriteLine($"classifier engine 'where is my parcel' -> {engine.Predict(new Request { Text = "where is my parcel" }).PredictedIntent}");
foreach (var g in ml.Data.CreateEnumerable<Pair>(generator.Transform(words), reuseRowObject: false))
    Console.WriteLine($"generator '{g.Source}' -> '{g.Output}' {g.LogProbability.ToString("R", CultureInfo.InvariantCulture)}");
return 0;

static ModelOptions Tiny(int encoderLayers, int decoderLayers) => new()
{
    VocabularySize = 1, ModelDimension = 32, Heads = 2, EncoderLayers = encoderLayers, DecoderLayers = decoderLayers,
    FeedForwardDimension = 64, MaxLength = 32, EmbeddingDropout = 0, AttentionDropout = 0, ResidualDropout = 0, FeedForwardDropout = 0,
};

static Request[] Requests(int count, int seed)
{
    string[][] phrases = [["where is my parcel", "my order has not arrived", "the delivery is late"],
        ["I want my money back", "please refund me", "refund the payment"],
        ["I lost my card", "my card was stolen", "block my card"]];
    string[] intents = ["delivery", "refund", "card"];
    var random = new Random(seed);
    return Enumerable.Range(0, count).Select(i =>
    {
        int c = i % 3;
        return new Request { Text = phrases[c][random.Next(3)] + (random.Next(2) == 0 ? " please" : " now"), Intent = intents[c] };
    }).ToArray();
}

static Pair[] Words(int count, int seed)
{
    var random = new Random(seed);
    return Enumerable.Range(0, count).Select(_ =>
    {
        string word = new(Enumerable.Range(0, random.Next(3, 6)).Select(_ => (char)('a' + random.Next(5))).ToArray());
        return new Pair { Source = word, Target = new string(word.Reverse().ToArray()) };
    }).ToArray();
}

internal sealed class Request
{
    public string Text { get; set; } = "";
    public string Intent { get; set; } = "";
}

internal sealed class Predicted
{
    public string Text { get; set; } = "";
    public float[] Score { get; set; } = [];
    public string PredictedIntent { get; set; } = "";
}

internal sealed class Pair
{
    public string Source { get; set; } = "";
    public string Target { get; set; } = "";
    public string Output { get; set; } = "";
    public float LogProbability { get; set; }
}
