using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// The resumable state of a run in one file: model weights, optimiser state, the run's position (step, epoch, batches
/// consumed), the random generator, the best weights and metric so far, the curve, and the configuration fingerprint.
/// Written atomically (<see cref="AtomicFile"/>) and guarded by a SHA-256 of the payload, because flipped bytes inside
/// weights otherwise load silently.
/// </summary>
/// <remarks>
/// Layout: 8-byte magic, int32 format version, int64 payload length, 32-byte SHA-256 of the payload, payload.
/// </remarks>
internal static class Checkpoint
{
    /// <summary>The checkpoint's file name inside the checkpoint folder; each save replaces it.</summary>
    public const string FileName = "training.checkpoint";

    private static ReadOnlySpan<byte> Magic => "MLTRCKPT"u8;
    private const int FormatVersion = 1;
    private const int HeaderLength = 8 + 4 + 8 + 32;

    /// <summary>The checkpoint file of <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>Writes a checkpoint to <paramref name="path"/>, replacing any earlier one only once it is complete.</summary>
    public static void Save(string path, string fingerprint, TrainingState state, nn.Module model,
        OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? bestWeights)
    {
        AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[HeaderLength]); // filled in once the payload's length and hash are known
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(fingerprint);
                WriteState(writer, state);
                model.save(writer);
                optimizer.save_state_dict(writer);
                writer.Write(bestWeights is not null);
                if (bestWeights is not null)
                    WriteTensors(writer, bestWeights);
            }
            long payloadLength = stream.Length - HeaderLength;
            stream.Position = HeaderLength;
            byte[] hash = SHA256.HashData(stream);
            stream.Position = 0;
            stream.Write(Magic);
            stream.Write(BitConverter.GetBytes(FormatVersion));
            stream.Write(BitConverter.GetBytes(payloadLength));
            stream.Write(hash);
        });
    }

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/> into <paramref name="model"/> and <paramref name="optimizer"/>.
    /// Nothing is changed unless the file is intact and was written under <paramref name="expectedFingerprint"/>.
    /// </summary>
    /// <returns>The run's position, and the best weights when the run had any.</returns>
    /// <exception cref="InvalidDataException">The file is damaged, or was written under another configuration.</exception>
    public static (TrainingState State, Dictionary<string, Tensor>? BestWeights) Load(string path,
        string expectedFingerprint, nn.Module model, OptimizerHelper optimizer)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        VerifyIntegrity(path, stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        string fingerprint = reader.ReadString();
        if (fingerprint != expectedFingerprint)
            throw new InvalidDataException(
                $"Checkpoint {path} was written under a different configuration, so training cannot resume from it. "
                + Differences(fingerprint, expectedFingerprint)
                + " Use another CheckpointDirectory, delete the checkpoint, or set ResumeFromCheckpoint to false.");
        var state = ReadState(reader);
        model.load(reader, strict: true);
        optimizer.load_state_dict(reader);
        var best = reader.ReadBoolean() ? ReadTensors(reader) : null;
        return (state, best);
    }

    private static void VerifyIntegrity(string path, FileStream stream)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        if (stream.Length < HeaderLength || stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength
            || !header[..8].SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a training checkpoint (its header is missing or wrong).");
        int version = BitConverter.ToInt32(header[8..12]);
        if (version != FormatVersion)
            throw new InvalidDataException($"Checkpoint {path} has format version {version}; this library reads version {FormatVersion}.");
        long payloadLength = BitConverter.ToInt64(header[12..20]);
        if (payloadLength != stream.Length - HeaderLength)
            throw new InvalidDataException(
                $"Checkpoint {path} is damaged: its payload should be {payloadLength} bytes but the file holds {stream.Length - HeaderLength}.");
        byte[] actual = SHA256.HashData(stream);
        if (!header[20..].SequenceEqual(actual))
            throw new InvalidDataException(
                $"Checkpoint {path} is damaged: the SHA-256 of its content does not match the one recorded when it was written. "
                + "Delete it to train from the start.");
        stream.Position = HeaderLength;
    }

    /// <summary>Names the "name=value" lines that differ between two fingerprints.</summary>
    internal static string Differences(string saved, string current)
    {
        static Dictionary<string, string> Parse(string fingerprint)
        {
            var lines = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in fingerprint.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                lines[eq < 0 ? line : line[..eq]] = eq < 0 ? "" : line[(eq + 1)..];
            }
            return lines;
        }
        var before = Parse(saved);
        var now = Parse(current);
        var differing = before.Keys.Union(now.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !now.TryGetValue(k, out var n) || b != n)
            .Select(k => $"{k}: checkpoint {(before.TryGetValue(k, out var b) ? b : "(absent)")}, now {(now.TryGetValue(k, out var n) ? n : "(absent)")}")
            .ToList();
        return differing.Count == 0 ? "The configurations differ." : "Differences: " + string.Join("; ", differing) + ".";
    }

    private static void WriteState(BinaryWriter w, TrainingState s)
    {
        w.Write(s.Step);
        w.Write(s.Epoch);
        w.Write(s.BatchesConsumedInEpoch);
        w.Write(s.LossAverage);
        w.Write(s.ElapsedBefore.Ticks);
        w.Write(s.BestMetric ?? double.NaN);
        w.Write(s.BestStep);
        w.Write(s.EvaluationsWithoutImprovement);
        w.Write(s.StoppedEarly);
        w.Write(s.RandomState.Length);
        w.Write(s.RandomState);
        w.Write(s.History.Records.Count);
        foreach (var r in s.History.Records)
        {
            w.Write(r.Step);
            w.Write(r.TotalSteps ?? -1);
            w.Write(r.Epoch);
            w.Write(r.Loss);
            w.Write(r.SmoothedLoss);
            w.Write(r.LearningRate);
            w.Write(r.GradientNorm);
            w.Write(r.TokensPerSecond);
            w.Write(r.Elapsed.Ticks);
            w.Write(r.EstimatedTimeLeft?.Ticks ?? -1);
            w.Write(r.ValidationMetric ?? double.NaN);
        }
    }

    private static TrainingState ReadState(BinaryReader r)
    {
        var s = new TrainingState
        {
            Step = r.ReadInt64(),
            Epoch = r.ReadInt32(),
            BatchesConsumedInEpoch = r.ReadInt64(),
            LossAverage = r.ReadDouble(),
            ElapsedBefore = TimeSpan.FromTicks(r.ReadInt64()),
            BestMetric = NullIfNaN(r.ReadDouble()),
            BestStep = r.ReadInt64(),
            EvaluationsWithoutImprovement = r.ReadInt32(),
            StoppedEarly = r.ReadBoolean(),
        };
        s.RandomState = r.ReadBytes(r.ReadInt32());
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            long step = r.ReadInt64();
            long total = r.ReadInt64();
            int epoch = r.ReadInt32();
            double loss = r.ReadDouble(), smoothed = r.ReadDouble(), lr = r.ReadDouble(), norm = r.ReadDouble(), speed = r.ReadDouble();
            var elapsed = TimeSpan.FromTicks(r.ReadInt64());
            long left = r.ReadInt64();
            double metric = r.ReadDouble();
            s.History.Add(new TrainingProgress(step, total < 0 ? null : total, epoch, loss, smoothed, lr, norm, speed, elapsed,
                left < 0 ? null : TimeSpan.FromTicks(left), NullIfNaN(metric)));
        }
        return s;
    }

    private static void WriteTensors(BinaryWriter w, IReadOnlyDictionary<string, Tensor> tensors)
    {
        w.Write(tensors.Count);
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(name);
            tensor.Save(w);
        }
    }

    private static Dictionary<string, Tensor> ReadTensors(BinaryReader r)
    {
        int count = r.ReadInt32();
        var tensors = new Dictionary<string, Tensor>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString();
            tensors[name] = Tensor.Load(r);
        }
        return tensors;
    }

    private static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;
}
