using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Transformer.Tests.Fixtures;

/// <summary>
/// How recorded scores are compared: bitwise on a machine whose CPU kernels are those the scores were recorded with,
/// within a small relative tolerance elsewhere (libtorch and MKL pick different kernels per CPU and round differently).
/// </summary>
internal static class ScoreComparison
{
    /// <summary>Relative tolerance between machines whose kernels differ.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// A key of what decides the kernels: the CPU's vendor, model and feature flags, the environment variables that
    /// override libtorch's and MKL's choice, the TorchSharp version, and whether <see cref="MklDispatch"/> changed MKL's
    /// choice. Empty where the CPU cannot be read.
    /// </summary>
    public static string PlatformKey()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
            return "";
        string[] wanted = ["vendor_id", "model name", "flags"];
        var cpu = File.ReadLines(cpuInfo).TakeWhile(l => l.Length > 0)
            .Where(l => wanted.Contains(l.Split(':')[0].Trim())).ToArray();
        string text = string.Join("\n", cpu.Append(RuntimeInformation.ProcessArchitecture.ToString())
            .Append("ATEN_CPU_CAPABILITY=" + Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY"))
            .Append("MKL_ENABLE_INSTRUCTIONS=" + Environment.GetEnvironmentVariable("MKL_ENABLE_INSTRUCTIONS"))
            .Append("TorchSharp=" + typeof(TorchSharp.torch).Assembly.GetName().Version)
            // On AMD CPUs MklDispatch decides MKL's kernels too; elsewhere the key stays as it was before it existed.
            .Concat(MklDispatch.Changed ? ["MklDispatch"] : []));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
    }

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/> ("row column=values"), else why not.</summary>
    public static string? Difference(string expected, string actual, bool bitwise)
    {
        if (expected == actual)
            return null;
        if (bitwise)
            return "not bitwise equal";
        int e = expected.IndexOf('='), a = actual.IndexOf('=');
        if (e < 0 || expected[..e] != actual[..Math.Max(a, 0)])
            return "a different row or column";
        string[] x = expected[(e + 1)..].Split(','), y = actual[(a + 1)..].Split(',');
        if (x.Length != y.Length)
            return $"{x.Length} values recorded, {y.Length} now";
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.TryParse(x[i], CultureInfo.InvariantCulture, out float p) || !float.TryParse(y[i], CultureInfo.InvariantCulture, out float q))
                return "text differs";
            if (Math.Abs(p - q) > Tolerance * Math.Max(1, Math.Max(Math.Abs(p), Math.Abs(q))))
                return $"value {i}: {p} recorded, {q} now (beyond the relative tolerance {Tolerance})";
        }
        return null;
    }
}
