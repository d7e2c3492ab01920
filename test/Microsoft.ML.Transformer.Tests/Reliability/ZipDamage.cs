using System.IO.Compression;
using Microsoft.ML.Transformer.Tests.Fixtures;

namespace Microsoft.ML.Transformer.Tests.Reliability;

/// <summary>
/// Damages a saved model zip in seeded ways — an entry deleted, an entry cut short, one flipped bit inside an entry,
/// one flipped bit of the zip file itself — and sorts each outcome: refused with a clear exception, loaded and scoring
/// bitwise as before (the bit could not change meaning), or loaded with a changed meaning (silent). Everything stays
/// in memory.
/// </summary>
internal sealed class ZipDamage
{
    /// <summary>
    /// What the trials gave, with the first few failures. Of the refusals of damage to one entry (not raw flips of the
    /// file), <paramref name="Named"/> gave a message naming that entry; <paramref name="Unnamed"/> holds the others.
    /// </summary>
    public sealed record Counts(int Trials, int Refused, int Harmless, int Silent, int Unclear, int EntryRefusals, int Named,
        List<string> Failures, List<string> Unnamed)
    {
        public override string ToString() =>
            $"trials={Trials} refused={Refused} harmless={Harmless} silent={Silent} unclear={Unclear} " +
            $"entry-refusals={EntryRefusals} naming-the-entry={Named}" +
            (Failures.Count > 0 ? "; " + string.Join(" || ", Failures.Take(5)) : "");
    }

    private enum Outcome { Refused, Harmless, Silent, Unclear }

    private readonly List<(string Name, byte[] Bytes)> _entries;
    private readonly Func<ITransformer, List<string>> _score;
    private readonly List<string> _reference;

    /// <param name="zip">The saved model.</param>
    /// <param name="score">Scores the rows with a loaded model, one string per value (floats in round-trip form).</param>
    public ZipDamage(byte[] zip, Func<ITransformer, List<string>> score)
    {
        _entries = Read(zip);
        _score = score;
        _reference = score(Load(Write(null, null)));
    }

    /// <summary>The entries of the zip, by name.</summary>
    public IReadOnlyList<string> EntryNames => _entries.Select(e => e.Name).ToList();

    /// <summary>
    /// Every entry deleted once and cut short three times (at 0, half way and one byte before its end), then raw bit
    /// flips of the file (one trial in six) and bit flips inside the entries in turn, up to <paramref name="trials"/>.
    /// </summary>
    public Counts Run(int trials, int seed)
    {
        var random = new Random(seed);
        int refused = 0, harmless = 0, silent = 0, unclear = 0, entryRefusals = 0, named = 0;
        var failures = new List<string>();
        var unnamed = new List<string>();
        for (int i = 0; i < trials; i++)
        {
            var (what, entry, damaged) = Damage(random, i);
            switch (Try(damaged, out string detail))
            {
                case Outcome.Refused:
                    refused++;
                    if (entry is null) break;
                    entryRefusals++;
                    if (detail.Contains(Path.GetFileName(entry), StringComparison.Ordinal)) named++;
                    else unnamed.Add($"{what}: {detail}");
                    break;
                case Outcome.Harmless: harmless++; break;
                case Outcome.Silent: silent++; failures.Add($"silent: {what}"); break;
                default: unclear++; failures.Add($"unclear: {what}: {detail}"); break;
            }
        }
        return new Counts(trials, refused, harmless, silent, unclear, entryRefusals, named, failures, unnamed);
    }

    /// <summary>The damage of trial <paramref name="i"/>: what it is, the entry it hits (null for a raw flip of the file), the zip.</summary>
    private (string What, string? Entry, byte[] Zip) Damage(Random random, int i)
    {
        int n = _entries.Count;
        if (i < n)
            return ($"{_entries[i].Name} deleted", _entries[i].Name, Write(_entries[i].Name, null));
        if (i < 4 * n)
        {
            var (name, bytes) = _entries[(i - n) / 3];
            int cut = ((i - n) % 3) switch { 0 => 0, 1 => bytes.Length / 2, _ => Math.Max(0, bytes.Length - 1) };
            return ($"{name} cut to {cut} of {bytes.Length} bytes", name, Write(name, bytes[..cut]));
        }
        if (i % 6 == 0)
        {
            byte[] file = Write(null, null);
            int at = random.Next(file.Length);
            file[at] ^= (byte)(1 << random.Next(8));
            return ($"zip byte {at} of {file.Length} flipped", null, file);
        }
        var (entry, content) = _entries[i % n];
        if (content.Length == 0)
            return ($"{entry} deleted", entry, Write(entry, null));
        var flipped = (byte[])content.Clone();
        int pos = random.Next(flipped.Length);
        flipped[pos] ^= (byte)(1 << random.Next(8));
        return ($"{entry} byte {pos} of {content.Length} flipped", entry, Write(entry, flipped));
    }

    private Outcome Try(byte[] damaged, out string detail)
    {
        detail = "";
        try
        {
            var scored = _score(Load(damaged));
            return scored.SequenceEqual(_reference) ? Outcome.Harmless : Outcome.Silent;
        }
        catch (Exception e)
        {
            detail = Describe(e);
            return IsClear(e) ? Outcome.Refused : Outcome.Unclear;
        }
    }

    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
            parts.Add(x.GetType().Name + ": " + x.Message);
        return string.Join(" <- ", parts);
    }

    /// <summary>A refusal a user can act on: a data, format or argument error with a message, not a crash of the reader.</summary>
    private static bool IsClear(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is NullReferenceException or IndexOutOfRangeException or AccessViolationException or OutOfMemoryException
                or InvalidCastException or KeyNotFoundException or OverflowException)
                return false;
        return e.Message.Length > 0 && e is InvalidDataException or FormatException or InvalidOperationException or ArgumentException
            or IOException or NotSupportedException or System.Reflection.TargetInvocationException;
    }

    private static ITransformer Load(byte[] zip)
    {
        using var stream = new MemoryStream(zip, writable: false);
        return new MLContext(1).Model.Load(stream, out _);
    }

    private static List<(string, byte[])> Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return (e.FullName, ms.ToArray());
        }).ToList();
    }

    /// <summary>The zip again, with <paramref name="replaced"/>'s content swapped for <paramref name="content"/> (null: left out).</summary>
    private byte[] Write(string? replaced, byte[]? content)
    {
        using var ms = new MemoryStream();
        using (var archive = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in _entries)
            {
                byte[]? body = name == replaced ? content : bytes;
                if (body is null) continue;
                using var s = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(body);
            }
        }
        return ms.ToArray();
    }

    /// <summary>Scores with <see cref="ScoreDump"/>: every column the model adds, floats in round-trip form.</summary>
    public static Func<ITransformer, List<string>> Scorer(IDataView rows) => model => ScoreDump.Lines(model, rows);
}
