using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training.Objectives;

/// <summary>
/// Cross-entropy of an objective's predictions at the labelled positions. Only labelled positions reach the output
/// head (a masked LM labels 15% of them), which saves most of the [.., V] logits.
/// </summary>
internal static class PretrainingLoss
{
    /// <summary>Mean cross-entropy over the batch's labelled positions: the training loss.</summary>
    public static Tensor Mean(Objective objective, TextNetwork model, PretrainingBatch batch, double labelSmoothing = 0)
    {
        var (logits, labels, _) = Labelled(objective, model, batch);
        return nn.functional.cross_entropy(logits, labels, label_smoothing: labelSmoothing);
    }

    /// <summary>Summed negative log-likelihood (nats) and labelled positions of each row of the batch.</summary>
    public static (double[] Sum, long[] Count) PerRow(Objective objective, TextNetwork model, PretrainingBatch batch)
    {
        var (logits, labels, rows) = Labelled(objective, model, batch);
        long b = batch.Tokens.Labels!.shape[0];
        var nll = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None).to(ScalarType.Float64); // [N]
        var sum = Scalars.With(1.0, alpha => zeros(b, ScalarType.Float64, nll.device).index_add_(0, rows, nll, alpha));
        var count = Scalars.With(TokenBatch.IgnoreIndex, batch.Tokens.Labels!.ne).sum(1);
        return (sum.cpu().data<double>().ToArray(), count.cpu().data<long>().ToArray());
    }

    /// <summary>Logits [N, V], labels [N] and batch row [N] of the N labelled positions.</summary>
    private static (Tensor Logits, Tensor Labels, Tensor Rows) Labelled(Objective objective, TextNetwork model, PretrainingBatch batch)
    {
        var hidden = objective.Hidden(model, batch);                  // [B, U, D]
        var labels = batch.Tokens.Labels!;                            // [B, U]
        long b = labels.shape[0], u = labels.shape[1];
        var flatHidden = hidden.reshape(b * u, hidden.shape[2]);
        var flatLabels = labels.reshape(b * u);
        if (batch.Targets == b * u)
            return (model.Logits(flatHidden), flatLabels, Scalars.Range(b, labels.device).repeat_interleave(u));
        var index = Scalars.With(TokenBatch.IgnoreIndex, flatLabels.ne).nonzero().squeeze(1);  // [N]
        return (model.Logits(flatHidden.index_select(0, index)), flatLabels.index_select(0, index), Scalars.With(u, s => index.div(s, rounding_mode: RoundingMode.floor)));
    }
}
