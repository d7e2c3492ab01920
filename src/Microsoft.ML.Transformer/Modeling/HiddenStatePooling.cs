using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>Turns the hidden states of a padded batch into one vector per row (classification heads, embeddings).</summary>
internal static class HiddenStatePooling
{
    /// <summary>Hidden states [B, T, D] and padding [B, T] (true = pad, at the tail of each row) → [B, D].</summary>
    public static Tensor Pool(Tensor hidden, Tensor padding, Pooling pooling)
    {
        switch (pooling)
        {
            case Pooling.FirstToken:
                return hidden[.., 0, ..];
            case Pooling.LastToken:
            {
                // The last real position of each row: its length − 1 (padding is at the tail).
                var last = padding.logical_not().sum(1).Minus(1).AtLeast(0L);                  // [B]
                var index = last.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);                 // [B, 1, D]
                return hidden.gather(1, index).squeeze(1);
            }
            default:
            {
                var keep = padding.logical_not().unsqueeze(-1).to(hidden.dtype);                // [B, T, 1]
                var count = keep.sum(1).AtLeast(1L);                                             // [B, 1]
                return (hidden * keep).sum(1) / count;                                           // [B, D]
            }
        }
    }
}
