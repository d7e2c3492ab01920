using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// TorchSharp's AdamW with the same update, in the same order of operations, but with every number handed to libtorch
/// as a <see cref="Scalar"/> that lives until the operation returns. TorchSharp's own step converts its coefficients
/// to temporary Scalars that a collection may finalise while libtorch still reads them (see <see cref="Scalars"/>),
/// which failed a one-step fit now and then. It keeps the base class's state and its checkpoint format; the class
/// name stays "AdamW" because TorchSharp writes it into saved optimiser state and checks it on load.
/// </summary>
internal sealed class AdamW : TorchSharp.Modules.AdamW
{
    public AdamW(IEnumerable<ParamGroup> groups, double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        : base(groups, learningRate, beta1, beta2, epsilon, weightDecay)
    {
    }

    public AdamW(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double weightDecay)
        : base(parameters, learningRate, weight_decay: weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null)
            throw new NotSupportedException("This optimiser takes no closure.");
        return _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
            double lr = options.LearningRate!.Value, weightDecay = options.weight_decay!.Value;
            using Scalar decay = 1 - lr * weightDecay, b1 = beta1, b2 = beta2, oneMinusB1 = 1 - beta1,
                oneMinusB2 = 1 - beta2, epsilon = eps;
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null)
                    continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                param.mul_(decay);

                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(b1).add_(grad, alpha: oneMinusB1);
                state.exp_avg_sq.mul_(b2).addcmul_(grad, grad, value: oneMinusB2);

                using Scalar root = Math.Sqrt(biasCorrection2), stepSize = -(lr / biasCorrection1);
                var denom = state.exp_avg_sq.sqrt().div(root).add_(epsilon, Scalars.One);
                param.addcdiv_(state.exp_avg, denom, value: stepSize);
            }
        }, closure);
    }
}
