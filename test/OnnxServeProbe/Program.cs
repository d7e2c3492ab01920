using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// OnnxServeProbe <served.zip> <texts.txt>: loads the zip with plain Model.Load, prints one line of probabilities per
// text through PredictionEngine, then the native torch libraries the process mapped ("none" when it mapped none).
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OnnxServeProbe <served.zip> <texts.txt>");
    return 2;
}
var ml = new MLContext(1);
var model = ml.Model.Load(args[0], out _);
var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
foreach (string text in File.ReadAllLines(args[1]))
{
    var p = engine.Predict(new Input { Text = text }).Probabilities;
    Console.WriteLine(string.Join(' ', p.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
}
var torch = File.ReadAllLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
    .Where(path => Path.GetFileName(path).Contains("torch", StringComparison.OrdinalIgnoreCase) && path.Contains(".so", StringComparison.Ordinal))
    .Distinct().ToArray();
// The managed TorchSharp assembly loads (the library references it); its native side (libtorch, LibTorchSharp) must not.
Console.WriteLine("native torch libraries mapped: " + (torch.Length == 0 ? "none" : string.Join(", ", torch)));
return 0;

internal sealed class Input
{
    public string Text { get; set; } = "";
}

internal sealed class Output
{
    [ColumnName("probabilities")]
    public float[] Probabilities { get; set; } = [];
}
