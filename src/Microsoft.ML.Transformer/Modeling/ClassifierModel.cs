using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>
/// A sequence classifier: a Transformer body, a pooled summary of its hidden states, a linear head to class logits;
/// optionally wide and deep, the head then also reading the text's bag of hashed n-grams (a linear model of its own,
/// summed into the logits), so that rare words and small data sets are learned as a classic linear model learns them.
/// The body is any <see cref="TextNetwork"/>, so a pretrained network of any shape can be fine-tuned: with an
/// encoder the encoder reads the text (bidirectional); a decoder-only body reads it causally and, because only the
/// last real position has seen the whole text, is pooled at that position.
/// </summary>
internal sealed class ClassifierModel : nn.Module
{
    private readonly TextNetwork body;
    private readonly double dropout;
    private readonly Linear head;
    private readonly EmbeddingBag? wide;

    /// <summary>A head of <paramref name="classes"/> outputs on <paramref name="body"/>; with <paramref name="ngramBuckets"/> above 0,
    /// also on that many hashed n-gram buckets beside the pooled vector.</summary>
    public ClassifierModel(TextNetwork body, int classes, Pooling pooling, double dropout, int ngramBuckets = 0) : base(nameof(ClassifierModel))
    {
        this.body = body;
        Pooling = body.HasEncoder ? pooling : Pooling.LastToken;
        Classes = classes;
        this.dropout = dropout;
        head = nn.Linear(body.Options.ModelDimension, classes);
        // Row b of the bag's product is the weighted sum of its n-grams' rows: [buckets, C] read sparsely.
        wide = ngramBuckets > 0 ? nn.EmbeddingBag(ngramBuckets, classes, mode: EmbeddingBagMode.Sum) : null;
        RegisterComponents();
        using (no_grad())
        {
            nn.init.normal_(head.weight!, 0, 0.02);
            nn.init.zeros_(head.bias!);
            if (wide is not null) nn.init.zeros_(wide.weight!); // the n-grams start neutral, as a linear model does
        }
        foreach (var module in new nn.Module?[] { head, wide }.OfType<nn.Module>())
        {
            if (body.Device.type != DeviceType.CPU) module.to(body.Device);
            foreach (var p in module.parameters()) p.DetachFromDisposeScope();
        }
    }

    public TextNetwork Body => body;

    public Pooling Pooling { get; }

    public int Classes { get; }

    public Device Device => body.Device;

    /// <summary>Hashed n-gram buckets read beside the pooled vector; 0 when the head reads the network alone.</summary>
    public int NgramBuckets => (int)(wide?.weight!.shape[0] ?? 0);

    /// <summary>The n-grams' weights [buckets, C], or null when the head reads the network alone.</summary>
    public Parameter? NgramWeight => wide?.weight;

    /// <summary>
    /// The n-grams' share of the logits: the rows' bags, laid out for an embedding bag (every row's bucket ids one
    /// after the other [N], where each row starts [B], each id's weight [N]) → [B, C].
    /// </summary>
    public Tensor NgramLogits((Tensor Ids, Tensor Offsets, Tensor Weights) ngrams) =>
        (wide ?? throw new InvalidOperationException("This classifier reads no n-grams.")).forward(ngrams.Ids, ngrams.Offsets, ngrams.Weights);

    /// <summary>
    /// Token ids [B, T] and padding [B, T] (true = pad), and the rows' n-gram bags when the model has n-grams (laid out
    /// as <see cref="NgramLogits"/> reads them) → class logits [B, C].
    /// </summary>
    public Tensor forward(Tensor ids, Tensor padding, (Tensor Ids, Tensor Offsets, Tensor Weights)? ngrams = null)
    {
        var hidden = body.HasEncoder
            ? body.Encode(ids, padding)                       // [B, T, D]
            : body.Decode(ids, null, null, padding);          // [B, T, D], causal
        var logits = head.forward(Dropout.Apply(Pool(hidden, padding), dropout, training));   // [B, C]
        if (wide is null)
            return logits;
        if (ngrams is null)
            throw new ArgumentNullException(nameof(ngrams), "This classifier reads n-grams beside the network: the batch must carry them.");
        return logits.Plus(NgramLogits(ngrams.Value).to(logits.dtype));  // [B, C]
    }

    /// <summary>Hidden states [B, T, D] → one vector per row [B, D] (see <see cref="HiddenStatePooling"/>).</summary>
    public Tensor Pool(Tensor hidden, Tensor padding) => HiddenStatePooling.Pool(hidden, padding, Pooling);
}
