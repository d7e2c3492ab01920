using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.MLNet;

/// <summary>
/// Checks, at first use, that the Microsoft.ML the application loaded is one this library was built for: the library
/// compiles against ML.NET internals (build/MLNetInternals.targets), which change between versions without notice,
/// so another version must fail with one clear message rather than a missing member deep inside a <c>Fit</c>.
/// Every catalog entry point and every model loader passes through here before touching those internals.
/// </summary>
internal static class MLNetVersionGuard
{
    /// <summary>The Microsoft.ML version range the library was built for, e.g. "[6.0.0, 6.1.0)".</summary>
    public static string Supported { get; } = typeof(MLNetVersionGuard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SupportedMicrosoftML").Value!;

    private static readonly Lazy<string?> LoadedProblem = new(() => Problem(Supported!, Loaded(typeof(MLContext)), Loaded(typeof(IHostEnvironment))));

    /// <summary>Throws <see cref="NotSupportedException"/> when the loaded Microsoft.ML is outside <see cref="Supported"/>.</summary>
    public static void EnsureSupported()
    {
        if (LoadedProblem.Value is { } problem)
            throw new NotSupportedException(problem);
    }

    /// <summary>The environment of an ML.NET catalog, after the version check (the catalog's environment is internal).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IHostEnvironment Environment(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        EnsureSupported();
        return EnvironmentOf(catalog);
    }

    /// <summary>Runs a model loader after the version check; the loader's body is compiled only once the check passed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T Load<T>(IHostEnvironment env, ModelLoadContext ctx, Func<IHostEnvironment, ModelLoadContext, T> load)
    {
        EnsureSupported();
        return load(env, ctx);
    }

    /// <summary>
    /// Null when every loaded ML.NET assembly's version (informational, e.g. "6.0.0+6eff5cc"; their assembly
    /// versions stay 1.0.0.0) lies in <paramref name="range"/> ("[low, high)"), else the message to throw.
    /// </summary>
    public static string? Problem(string range, params (string Assembly, string? Version)[] loaded)
    {
        var (low, high) = ParseRange(range);
        foreach (var (assembly, text) in loaded)
        {
            string release = (text ?? "").Split('+', '-')[0];
            if (Version.TryParse(release, out var version) && version >= low && version < high)
                continue;
            string found = text is null ? "a version without an informational version" : $"version {release}";
            return $"Microsoft.ML.Transformer {LibraryVersion} was built for Microsoft.ML {range}, but this application loaded " +
                $"{found} of {assembly}. The library uses internals of Microsoft.ML.Core and Microsoft.ML.Data, which " +
                $"change between versions: reference Microsoft.ML {low.ToString(3)} or a later version below {high.ToString(3)}, " +
                "or a Microsoft.ML.Transformer built for the Microsoft.ML you use.";
        }
        return null;
    }

    private static (Version Low, Version High) ParseRange(string range)
    {
        string[] bounds = range.Trim('[', ')', ' ').Split(',');
        if (!range.StartsWith('[') || !range.EndsWith(')') || bounds.Length != 2
            || !Version.TryParse(bounds[0].Trim(), out var low) || !Version.TryParse(bounds[1].Trim(), out var high))
            throw new FormatException($"Expected a version range \"[low, high)\", found \"{range}\".");
        return (low, high);
    }

    private static string LibraryVersion => typeof(MLNetVersionGuard).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private static (string, string?) Loaded(Type type) =>
        (type.Assembly.GetName().Name!, type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment EnvironmentOf(object catalog) => ((IInternalCatalog)catalog).Environment;
}
