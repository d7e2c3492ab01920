using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// A token classifier: a Transformer body and a linear head that gives every position its own label logits (entity
/// tagging). Like <see cref="ClassifierModel"/>, any pretrained body works; a decoder-only one reads causally.
/// </summary>
internal sealed class TokenTaggerModel : nn.Module
{
    private readonly TextNetwork body;
    private readonly double dropout;
    private readonly Linear head;

    public TokenTaggerModel(TextNetwork body, int labels, double dropout) : base(nameof(TokenTaggerModel))
    {
        this.body = body;
        this.dropout = dropout;
        Labels = labels;
        head = LinearHead.Create(body, labels);
        RegisterComponents();
    }

    public TextNetwork Body => body;

    public int Labels { get; }

    public Device Device => body.Device;

    /// <summary>Token ids [B, T] and padding [B, T] (true = pad) → label logits [B, T, L].</summary>
    public Tensor forward(Tensor ids, Tensor padding) =>
        head.forward(Dropout.Apply(body.ReadText(ids, padding), dropout, training));
}
