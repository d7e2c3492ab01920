using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Generation;

/// <summary>
/// Greedy decoding's next tokens from a network's hidden states: the argmax of its float32 logits, the lowest id on a
/// tie. A network prepared for inference, in float32 on the CPU, screens its logits through a <see cref="GreedyHead"/>
/// when that is faster on this CPU (measured once, at the first greedy step); the tokens are the same either way. One
/// selector serves every decoder of its network, from any number of threads.
/// </summary>
internal sealed class GreedySelector : IDisposable
{
    private readonly TextNetwork _model;
    private readonly Lock _lock = new();   // threads stepping at once must decide, build and free one head between them
    private GreedyHead? _head;             // the screened head, when it pays
    private bool _decided;
    private bool? _screen;

    /// <param name="model">The network whose output head is read; its weights must not change once it is prepared
    /// for inference (see <see cref="TextNetwork.PrepareForInference"/>).</param>
    public GreedySelector(TextNetwork model) => _model = model;

    /// <summary>
    /// Whether a network prepared for inference, in float32 on the CPU, chooses through a <see cref="GreedyHead"/>:
    /// null (the default) measures once whether the screen is faster on this CPU; true or false decides. Tokens are
    /// the same either way; only the speed differs.
    /// </summary>
    public bool? Screen
    {
        get => _screen;
        set
        {
            lock (_lock)
            {
                _screen = value;
                Forget();
            }
        }
    }

    /// <summary>The greedy next token of each row from hidden states [B, D] (e.g. <see cref="TextNetwork.StepHidden"/>).</summary>
    public long[] Next(Tensor hidden)
    {
        if (ScreenedHead() is { } screened)
            return screened.Next(hidden);
        return LogitsProcessing.GreedyTokens(_model.Logits(hidden));
    }

    private GreedyHead? ScreenedHead()
    {
        if (!_model.IsPreparedForInference || _model.Precision != Precision.Float32 || _model.Device.type != DeviceType.CPU
            || _screen == false)
            return null;
        lock (_lock)
        {
            if (!_decided)
            {
                var (weight, bias) = _model.OutputHead;
                if (GreedyHead.CanHold(weight))
                {
                    var candidate = new GreedyHead(weight, bias);
                    if (_screen ?? candidate.PaysOff(rows: 32)) _head = candidate;
                    else candidate.Dispose();
                }
                _decided = true;
            }
            return _head;
        }
    }

    // Drops the head and the decision; the next greedy step decides again.
    private void Forget()
    {
        _head?.Dispose();
        (_head, _decided) = (null, false);
    }

    public void Dispose()
    {
        lock (_lock) Forget();
    }
}
