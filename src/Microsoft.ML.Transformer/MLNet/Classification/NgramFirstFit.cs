using System.Globalization;
using Microsoft.ML.Transformer.Batching;
using Microsoft.ML.Transformer.Modeling;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.MLNet.Classification;

/// <summary>
/// Fits a wide-and-deep classifier's n-gram weights alone before the network trains: a linear model over the bags,
/// cheap because no network runs, stopped at its best validation accuracy. Trained together from the start, the
/// network memorises small training sets before the n-grams have learned anything, and their gradients vanish with
/// the training loss; fitted first, the n-grams hold what a linear model knows and the network learns the rest.
/// </summary>
internal sealed class NgramFirstFit(ClassifierModel model, HashedNgrams ngrams, TrainingOptions training, Action<string> log)
{
    /// <summary>Passes at most, validations without improvement before stopping, and passes without validation rows.</summary>
    internal const int MaxEpochs = 30, Patience = 3, EpochsWithoutValidation = 10;

    /// <summary>Rows per step and the constant learning rate of this convex fit.</summary>
    internal const int BatchSize = 64;
    internal const double LearningRate = 1e-2;

    public void Run(Func<IEnumerable<TextRow>> train, Func<IEnumerable<TextRow>>? validation)
    {
        var weight = model.NgramWeight ?? throw new InvalidOperationException("The classifier reads no n-grams.");
        using var optimizer = new AdamW([weight], LearningRate, training.WeightDecay);
        using var best = weight.detach().clone();
        double bestAccuracy = double.NegativeInfinity;
        int bestEpoch = 0, epochs = validation is null ? EpochsWithoutValidation : MaxEpochs;
        for (int epoch = 1; epoch <= epochs && epoch - bestEpoch <= Patience; epoch++)
        {
            var rng = new Random(training.Seed + epoch);
            foreach (var rows in ShuffleBuffer.Shuffle(Labelled(train), BatchBufferRows, rng).Chunk(BatchSize))
            {
                using var scope = NewDisposeScope();
                using var bag = NgramBatch.Build(rows.Select(r => ngrams.Featurize(r.Text, r.Second)).ToArray(), model.Device);
                var labels = tensor(rows.Select(r => r.Label).ToArray(), device: model.Device);                  // [B]
                var loss = nn.functional.cross_entropy(model.NgramLogits(bag.Bags), labels, label_smoothing: training.LabelSmoothing);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
            if (validation is null)
                continue;
            double accuracy = Accuracy(validation);
            if (accuracy > bestAccuracy)
            {
                (bestAccuracy, bestEpoch) = (accuracy, epoch);
                using (no_grad()) best.copy_(weight);
            }
        }
        if (validation is not null)
            using (no_grad()) weight.copy_(best);
        log(validation is null
            ? $"Fitted the n-grams alone first ({epochs} passes), then the network beside them."
            : string.Create(CultureInfo.InvariantCulture, $"Fitted the n-grams alone first: validation accuracy {bestAccuracy:P2} after {bestEpoch} passes; then the network beside them."));
    }

    /// <summary>Rows held by the shuffle, as in the network's batches.</summary>
    private const int BatchBufferRows = 10_000;

    private IEnumerable<TextRow> Labelled(Func<IEnumerable<TextRow>> rows) => rows().Where(r => r.Label >= 0 && r.Label < model.Classes);

    private double Accuracy(Func<IEnumerable<TextRow>> validation)
    {
        long correct = 0, rows = 0;
        using var noGrad = no_grad();
        foreach (var chunk in Labelled(validation).Chunk(256))
        {
            using var scope = NewDisposeScope();
            using var bag = NgramBatch.Build(chunk.Select(r => ngrams.Featurize(r.Text, r.Second)).ToArray(), model.Device);
            var labels = tensor(chunk.Select(r => r.Label).ToArray(), device: model.Device);
            correct += model.NgramLogits(bag.Bags).argmax(-1).eq(labels).sum().item<long>();
            rows += chunk.Length;
        }
        return rows == 0 ? 0 : (double)correct / rows;
    }
}
