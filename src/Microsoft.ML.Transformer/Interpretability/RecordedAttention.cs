using Microsoft.ML.Transformer.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Interpretability;

/// <summary>
/// The attention weights of one padded batch as the network computed them ([B, H, Tq, Tk] per layer, padding
/// included) and the ids of each row, from which <see cref="Explanation"/> cuts one row's maps. Owns the recorder.
/// </summary>
internal sealed class RecordedAttention : IDisposable
{
    private readonly int[][] _source;
    private readonly int[][]? _target;
    private readonly bool[]? _hasTarget;
    private readonly Func<int[], string[]> _labels;
    private readonly Dictionary<AttentionKind, (float[] Values, long[] Shape)> _copies = [];

    public RecordedAttention(AttentionRecorder recorder, int[][] source, int[][]? target, bool[]? hasTarget, Func<int[], string[]> labels)
    {
        (Recorder, _source, _target, _hasTarget, _labels) = (recorder, source, target, hasTarget, labels);
    }

    /// <summary>The recorded tensors, padding included.</summary>
    public AttentionRecorder Recorder { get; }

    /// <summary>The number of rows.</summary>
    public int Count => _source.Length;

    /// <summary>Row <paramref name="row"/>'s tokens and weights; padded positions cut away.</summary>
    public AttentionExplanation Explanation(int row)
    {
        string[] source = _labels(_source[row]);
        bool decoded = _target is not null && (_hasTarget is null || _hasTarget[row]);
        string[]? target = decoded ? _labels(_target![row]) : null;
        var encoderSelf = Recorder.EncoderSelf.Count > 0 ? Cut(AttentionKind.EncoderSelf, row, source, source) : null;
        AttentionMaps? decoderSelf = null, cross = null;
        if (Recorder.EncoderSelf.Count == 0)
        {
            decoderSelf = Cut(AttentionKind.DecoderSelf, row, source, source); // decoder-only: the text is the decoder's input
        }
        else if (target is not null)
        {
            decoderSelf = Cut(AttentionKind.DecoderSelf, row, target, target);
            cross = Cut(AttentionKind.Cross, row, target, source);
        }
        return new AttentionExplanation(source, target, encoderSelf, decoderSelf, cross);
    }

    private AttentionMaps Cut(AttentionKind kind, int row, string[] queries, string[] keys)
    {
        var (values, shape) = Copy(kind);
        long layers = shape[0], heads = shape[2], tq = shape[3], tk = shape[4];
        var cut = new float[layers * heads * queries.Length * keys.Length];
        int o = 0;
        for (long l = 0; l < layers; l++)
            for (long h = 0; h < heads; h++)
                for (long q = 0; q < queries.Length; q++)
                {
                    long start = (((l * shape[1] + row) * heads + h) * tq + q) * tk;
                    values.AsSpan((int)start, keys.Length).CopyTo(cut.AsSpan(o));
                    o += keys.Length;
                }
        return new AttentionMaps(kind, queries, keys, (int)layers, (int)heads, cut);
    }

    /// <summary>The layers of one kind as one float array [L, B, H, Tq, Tk] on the CPU, made once.</summary>
    private (float[] Values, long[] Shape) Copy(AttentionKind kind)
    {
        if (_copies.TryGetValue(kind, out var copy))
            return copy;
        var layers = kind switch
        {
            AttentionKind.EncoderSelf => Recorder.EncoderSelf,
            AttentionKind.DecoderSelf => Recorder.DecoderSelf,
            _ => Recorder.Cross,
        };
        using var scope = NewDisposeScope();
        var stacked = stack(layers).cpu();
        copy = (stacked.data<float>().ToArray(), stacked.shape);
        _copies[kind] = copy;
        return copy;
    }

    public void Dispose() => Recorder.Dispose();
}
