using Microsoft.ML.Transformer.Modeling;
using static Microsoft.ML.Transformer.Benchmarks.ReferenceSetup;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>One kernel of a training step, forward and backward, at the step's shapes; <see cref="Count"/> per step.</summary>
internal sealed record StepKernel(string Category, string Name, int Count, double Flops, Action Run);

/// <summary>
/// The kernels a reference training step runs (post-norm, ReLU, dropout 0.1 everywhere), each with the count of a step.
/// bench/profile_peer.py lists the same kernels for PyTorch, so the two breakdowns line up part by part.
/// </summary>
internal static class StepKernels
{
    private const double P = 0.1;
    private const long Dh = Dimension / Heads, Ff = ReferenceSetup.FeedForward;

    public static IReadOnlyList<StepKernel> All(ScalarType products)
    {
        long bs = Batch * SourceLength, bt = Batch * TargetLength;
        return
        [
            Linear("encoder self-attention q,k,v", bs, Dimension, 3 * Dimension, Layers, products),
            Linear("encoder attention output", bs, Dimension, Dimension, Layers, products),
            Linear("encoder feed-forward in", bs, Dimension, Ff, Layers, products),
            Linear("encoder feed-forward out", bs, Ff, Dimension, Layers, products),
            Linear("decoder self-attention q,k,v", bt, Dimension, 3 * Dimension, Layers, products),
            Linear("decoder attention outputs", bt, Dimension, Dimension, 2 * Layers, products),
            Linear("decoder cross-attention q", bt, Dimension, Dimension, Layers, products),
            Linear("decoder cross-attention k,v", bs, Dimension, 2 * Dimension, Layers, products),
            Linear("decoder feed-forward in", bt, Dimension, Ff, Layers, products),
            Linear("decoder feed-forward out", bt, Ff, Dimension, Layers, products),
            Linear("output head", bt, Dimension, Vocabulary, 1, products),
            Attention("encoder self-attention", SourceLength, SourceLength, causal: false, products),
            Attention("decoder self-attention", TargetLength, TargetLength, causal: true, products),
            Attention("decoder cross-attention", TargetLength, SourceLength, causal: false, products),
            Norm("encoder layer norms", bs, 2 * Layers + 1),
            Norm("decoder layer norms", bt, 3 * Layers + 1),
            Drop("dropout [B, L, D]", [Batch, SourceLength, Dimension], 2 + 2 * Layers + 3 * Layers),
            Drop("dropout [B, L, FF]", [Batch, SourceLength, Ff], 2 * Layers),
            Relu("ReLU [B, L, FF]", [Batch, SourceLength, Ff], 2 * Layers),
            Embedding("embeddings", 2),
            Loss("cross-entropy", bt),
            Optimizer(products),
        ];
    }

    // y = x Wᵀ + b forward, then dX and dW (and db): three products.
    private static StepKernel Linear(string name, long rows, long inputs, long outputs, int count, ScalarType dtype)
    {
        var x = randn(rows, inputs).to(dtype).requires_grad_();
        var w = randn(outputs, inputs).mul(0.02).to(dtype).requires_grad_();
        var b = zeros(outputs).to(dtype).requires_grad_();
        var g = randn(rows, outputs).to(dtype);
        return new("matmul", name, count, 3 * 2.0 * rows * inputs * outputs, () => Backward(nn.functional.linear(x, w, b), g, x, w, b));
    }

    // softmax(QKᵀ/√Dh + mask) with dropout, times V, as the model writes it out while training; gradients of q, k, v.
    private static StepKernel Attention(string name, long tq, long tk, bool causal, ScalarType dtype)
    {
        var q = randn(Batch, Heads, tq, Dh).to(dtype).requires_grad_();
        var k = randn(Batch, Heads, tk, Dh).to(dtype).requires_grad_();
        var v = randn(Batch, Heads, tk, Dh).to(dtype).requires_grad_();
        var mask = causal ? triu(full(tq, tk, float.NegativeInfinity), 1) : zeros(Batch, 1, 1, tk);
        var g = randn(Batch, Heads, tq, Dh).to(dtype);
        return new("attention", name, Layers, 3 * 2 * 2.0 * Batch * Heads * tq * tk * Dh, () =>
        {
            var scores = q.mul(1.0 / Math.Sqrt(Dh)).matmul(k.transpose(-2, -1)).to(ScalarType.Float32).add(mask); // [B, H, Tq, Tk]
            var probabilities = Dropout.Apply(scores.softmax(-1), P, training: true);
            Backward(probabilities.to(dtype).matmul(v), g, q, k, v);
        });
    }

    private static StepKernel Norm(string name, long rows, int count)
    {
        var x = randn(rows, Dimension).requires_grad_();
        var w = ones(Dimension).requires_grad_();
        var b = zeros(Dimension).requires_grad_();
        var g = randn(rows, Dimension);
        return new("norms", name, count, 0, () => Backward(nn.functional.layer_norm(x, [Dimension], w, b), g, x, w, b));
    }

    private static StepKernel Drop(string name, long[] shape, int count)
    {
        var x = randn(shape).requires_grad_();
        var g = randn(shape);
        return new("dropout", name, count, 0, () => Backward(Dropout.Apply(x, P, training: true), g, x));
    }

    private static StepKernel Relu(string name, long[] shape, int count)
    {
        var x = randn(shape).requires_grad_();
        var g = randn(shape);
        return new("activations", name, count, 0, () => Backward(nn.functional.relu(x), g, x));
    }

    private static StepKernel Embedding(string name, int count)
    {
        var table = randn(Vocabulary, Dimension).requires_grad_();
        var ids = randint(0, Vocabulary, [Batch, SourceLength]);
        var g = randn(Batch, SourceLength, Dimension);
        return new("embeddings", name, count, 0, () => Backward(table.index_select(0, ids.view(-1)).view(Batch, SourceLength, Dimension), g, table));
    }

    private static StepKernel Loss(string name, long rows)
    {
        var logits = randn(rows, Vocabulary).requires_grad_();
        var targets = randint(0, Vocabulary, [rows]);
        return new("loss", name, 1, 0, () =>
        {
            using var scope = NewDisposeScope();
            autograd.grad([nn.functional.cross_entropy(logits, targets)], [logits]);
        });
    }

    // AdamW over the reference network's parameters, with gradients in place.
    private static StepKernel Optimizer(ScalarType products)
    {
        var model = NewModel(products == ScalarType.BFloat16 ? Precision.BFloat16 : Precision.Float32);
        var optimizer = ReferenceSetup.Optimizer(model);
        using (var batch = new TrainingBatch(new Generator(0)))
        using (NewDisposeScope())
            ReferenceSetup.Loss(model, batch).backward();
        return new("optimizer", "AdamW step", 1, 0, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.step();
        });
    }

    private static void Backward(Tensor y, Tensor g, params Tensor[] inputs)
    {
        using var scope = NewDisposeScope();
        autograd.grad([y], inputs, [g]);
    }
}
