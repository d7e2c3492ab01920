using System.Reflection;
using Microsoft.ML.Transformer.Benchmarks;

// dotnet run -c Release --project src/Benchmarks -- <subcommand|all> [--name value ...]
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Benchmarks <subcommand|all> [--name value ...]");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-16} {b.Description}");
    return args.Length == 0 ? 1 : 0;
}

var rest = new BenchmarkArgs(args.Skip(1));
// --automatic-bf16 false: trainings whose precision is not pinned use float32, as on a CPU without bfloat16 instructions.
if (rest.Has("automatic-bf16"))
    AppContext.SetSwitch(Microsoft.ML.Transformer.Training.TrainingOptions.AutomaticBFloat16Switch, bool.Parse(rest.String("automatic-bf16", "true")));
// --mkl-dispatch false: MKL keeps its generic kernels on AMD CPUs, as before MklDispatch (for before/after runs).
if (rest.Has("mkl-dispatch"))
    Microsoft.ML.Transformer.MklDispatch.Enabled = bool.Parse(rest.String("mkl-dispatch", "true"));
// The process-wide settings are made before any benchmark's first product, as the library makes them before a network's.
Microsoft.ML.Transformer.Modeling.TorchDevice.EnsureBackend();
Console.WriteLine(Microsoft.ML.Transformer.MklDispatch.Description);
var chosen = args[0] == "all" ? benchmarks : benchmarks.Where(b => b.Name == args[0]).ToList();
if (chosen.Count == 0)
{
    Console.Error.WriteLine($"Unknown benchmark '{args[0]}'. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}, all.");
    return 2;
}
foreach (var b in chosen)
{
    Console.WriteLine($"== {b.Name}: {b.Description}");
    b.Run(rest);
}
return 0;
