using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// A sequence classifier: a Transformer body, a pooled summary of its hidden states, a linear head to class logits.
/// The body is any <see cref="EncoderDecoderModel"/>, so a pretrained network of any shape can be fine-tuned: with an
/// encoder the encoder reads the text (bidirectional); a decoder-only body reads it causally and, because only the
/// last real position has seen the whole text, is pooled at that position.
/// </summary>
internal sealed class ClassifierModel : nn.Module
{
    private readonly EncoderDecoderModel body;
    private readonly Dropout dropout;
    private readonly Linear head;

    public ClassifierModel(EncoderDecoderModel body, int classes, Pooling pooling, double dropout) : base(nameof(ClassifierModel))
    {
        this.body = body;
        Pooling = body.HasEncoder ? pooling : Pooling.LastToken;
        Classes = classes;
        this.dropout = nn.Dropout(dropout);
        head = nn.Linear(body.Options.ModelDimension, classes);
        RegisterComponents();
        using (no_grad())
        {
            nn.init.normal_(head.weight!, 0, 0.02);
            nn.init.zeros_(head.bias!);
        }
        if (body.Device.type != DeviceType.CPU) head.to(body.Device);
        foreach (var p in head.parameters()) p.DetachFromDisposeScope();
    }

    public EncoderDecoderModel Body => body;

    public Pooling Pooling { get; }

    public int Classes { get; }

    public Device Device => body.Device;

    /// <summary>Token ids [B, T] and padding [B, T] (true = pad) → class logits [B, C].</summary>
    public Tensor forward(Tensor ids, Tensor padding)
    {
        var hidden = body.HasEncoder
            ? body.Encode(ids, padding)                       // [B, T, D]
            : body.Decode(ids, null, null, padding);          // [B, T, D], causal
        return head.forward(dropout.forward(Pool(hidden, padding)));   // [B, C]
    }

    /// <summary>Hidden states [B, T, D] → one vector per row [B, D].</summary>
    public Tensor Pool(Tensor hidden, Tensor padding)
    {
        switch (Pooling)
        {
            case Pooling.FirstToken:
                return hidden[.., 0, ..];
            case Pooling.LastToken:
            {
                // The last real position of each row: its length − 1 (padding is at the tail).
                var last = (padding.logical_not().sum(1) - 1).clamp_min(0);                     // [B]
                var index = last.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);                 // [B, 1, D]
                return hidden.gather(1, index).squeeze(1);
            }
            default:
            {
                var keep = padding.logical_not().unsqueeze(-1).to(hidden.dtype);                // [B, T, 1]
                var count = keep.sum(1).clamp_min(1);                                            // [B, 1]
                return (hidden * keep).sum(1) / count;                                           // [B, D]
            }
        }
    }
}
