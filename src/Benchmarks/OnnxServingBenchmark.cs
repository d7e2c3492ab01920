using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Serving one classifier two ways: the library's TorchSharp transformer, and the same model exported to ONNX
/// (python/mlnet_transformer.onnx_export) scored by ML.NET's OnnxTransformer behind the token-id transform. Single-row
/// PredictionEngine latency (median, p99) and Transform throughput, measured in alternating blocks so both see the same
/// load; the native libraries each needs. The weights are untrained: speed does not depend on them.
/// </summary>
internal sealed class OnnxServingBenchmark : IBenchmark
{
    public string Name => "onnx";

    public string Description => "ONNX Runtime vs TorchSharp on one classifier: PredictionEngine latency (--calls 10000), Transform rows/s (--rows 3000), native bytes";

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public sealed class TorchScore
    {
        public float[] Score { get; set; } = [];
    }

    public sealed class OnnxScore
    {
        [ColumnName("probabilities")]
        public float[] Score { get; set; } = [];
    }

    public void Run(BenchmarkArgs args)
    {
        torch.set_num_threads(args.Int("threads", 2));
        int calls = args.Int("calls", 10_000), rows = args.Int("rows", 3000), blocks = args.Int("blocks", 10);
        var ml = new MLContext(1);
        var (texts, model, _, _, torchModel) = ScoringBenchmarks.Classifier(ml, args);
        var options = model.Body.Options;

        string root = Path.Combine(Path.GetTempPath(), "onnx-benchmark-" + Guid.NewGuid().ToString("N"));
        string folder = Path.Combine(root, "model"), onnx = Path.Combine(root, "model.onnx");
        try
        {
            ModelFolder.Export(torchModel, folder);
            Export(folder, onnx);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Row { Text = texts[i % texts.Length] }).ToArray());
            var tokenIds = ml.Transforms.Text.TransformerTokenIds(folder);
            ITransformer onnxModel = tokenIds.Append(ml.Transforms.ApplyOnnxModel(["probabilities"], [.. tokenIds.OutputColumnNames], onnx)).Fit(data);
            Result.Print("onnx_model", ("parameters", model.Body.ParameterCount), ("dim", options.ModelDimension), ("layers", options.EncoderLayers),
                ("onnx_bytes", new FileInfo(onnx).Length), ("max_abs_difference", MaxDifference(torchModel, onnxModel, data)));
            Latency(ml, torchModel, onnxModel, texts, calls, blocks);
            Throughput(torchModel, onnxModel, data, args.Int("repeats", 3));
            Sizes();
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs the exporter with the Python that has PyTorch ($MLNET_TRANSFORMER_PYTHON, else /usr/bin/python3).</summary>
    private static void Export(string folder, string onnx)
    {
        string python = Environment.GetEnvironmentVariable("MLNET_TRANSFORMER_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        var start = new ProcessStartInfo(python, ["-m", "mlnet_transformer.onnx_export", "--model", folder, "--output", onnx])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PYTHONPATH"] = Path.Combine(RepoRoot.Find(), "python");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The ONNX export failed ({process.ExitCode}); run `bash build/setup.sh --python` for PyTorch.\n{output}\n{error.Result}");
    }

    private static double MaxDifference(ITransformer torchModel, ITransformer onnxModel, IDataView data)
    {
        var expected = torchModel.Transform(data).GetColumn<float[]>("Score").ToArray();
        var actual = onnxModel.Transform(data).GetColumn<float[]>("probabilities").ToArray();
        return expected.Zip(actual).Max(pair => pair.First.Zip(pair.Second).Max(v => Math.Abs(v.First - v.Second)));
    }

    /// <summary>Milliseconds per Predict call, in alternating blocks of calls (first a warm-up of each).</summary>
    private static void Latency(MLContext ml, ITransformer torchModel, ITransformer onnxModel, string[] texts, int calls, int blocks)
    {
        var torchEngine = ml.Model.CreatePredictionEngine<Row, TorchScore>(torchModel);
        var onnxEngine = ml.Model.CreatePredictionEngine<Row, OnnxScore>(onnxModel);
        var row = new Row();
        var torchTimes = new List<double>(calls);
        var onnxTimes = new List<double>(calls);
        Time(i => torchEngine.Predict(row), 200, []);
        Time(i => onnxEngine.Predict(row), 200, []);
        int perBlock = Math.Max(1, calls / blocks), done = 0;
        while (done < calls)
        {
            int count = Math.Min(perBlock, calls - done);
            Time(i => { row.Text = texts[(done + i) % texts.Length]; torchEngine.Predict(row); }, count, torchTimes);
            Time(i => { row.Text = texts[(done + i) % texts.Length]; onnxEngine.Predict(row); }, count, onnxTimes);
            done += count;
        }
        foreach (var (runtime, times) in new[] { ("torchsharp", torchTimes), ("onnxruntime", onnxTimes) })
            Result.Print("onnx_latency", ("runtime", runtime), ("calls", times.Count), ("median_ms", Result.Median(times)),
                ("p99_ms", Percentile(times, 0.99)));
    }

    private static void Time(Action<int> call, int count, List<double> times)
    {
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call(i);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    private static double Percentile(List<double> values, double share)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
    }

    /// <summary>Rows/s through Transform (a cursor over the score column), alternating, medians.</summary>
    private static void Throughput(ITransformer torchModel, ITransformer onnxModel, IDataView data, int repeats)
    {
        var torchRates = new List<double>();
        var onnxRates = new List<double>();
        Rate(torchModel, data, "Score");
        Rate(onnxModel, data, "probabilities");
        for (int r = 0; r < repeats; r++)
        {
            torchRates.Add(Rate(torchModel, data, "Score"));
            onnxRates.Add(Rate(onnxModel, data, "probabilities"));
        }
        foreach (var (runtime, rates) in new[] { ("torchsharp", torchRates), ("onnxruntime", onnxRates) })
            Result.Print("onnx_throughput", ("runtime", runtime), ("rows", data.GetRowCount() ?? 0), ("rows_per_s", Result.Median(rates)));
    }

    private static double Rate(ITransformer model, IDataView data, string column)
    {
        var sw = Stopwatch.StartNew();
        var scored = model.Transform(data);
        using var cursor = scored.GetRowCursor([scored.Schema[column]]);
        var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema[column]);
        VBuffer<float> value = default;
        long count = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            count++;
        }
        return count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The native bytes each runtime needs: TorchSharp's bridge and libtorch, or ONNX Runtime.</summary>
    private static void Sizes()
    {
        foreach (var (runtime, library) in new[] { ("torchsharp", "libLibTorchSharp.so"), ("onnxruntime", "libonnxruntime.so") })
        {
            var files = NativeLibraries.Closure(library);
            Result.Print("onnx_deployment", ("runtime", runtime), ("native_bytes", files.Sum(f => f.Length)), ("files", NativeLibraries.Describe(files)));
        }
    }
}
