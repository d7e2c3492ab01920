using System.Globalization;
using Microsoft.ML.Transformer.Modeling;

namespace Microsoft.ML.Transformer.Training;

/// <summary>How the learning rate moves after warm-up.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>Stays at <see cref="TrainingOptions.LearningRate"/> after warm-up.</summary>
    Constant,

    /// <summary>Falls in a straight line to <see cref="TrainingOptions.MinLearningRate"/> at the last step.</summary>
    Linear,

    /// <summary>Follows half a cosine down to <see cref="TrainingOptions.MinLearningRate"/> at the last step.</summary>
    Cosine,
}

/// <summary>
/// The training settings every trainer's options carry. Each default is defined here and nowhere else.
/// Call <see cref="Validate"/> before training; the training loop does.
/// </summary>
public class TrainingOptions
{
    private int? _epochs;

    /// <summary>
    /// Passes over the training data. Default 3; the Transformer classifier, when this is not set, chooses it from the
    /// number of rows (and logs why).
    /// </summary>
    public int Epochs { get => _epochs ?? 3; set => _epochs = value; }

    /// <summary>Whether <see cref="Epochs"/> was set by the user (a trainer may then not choose it from the data).</summary>
    internal bool EpochsIsSet => _epochs is not null;

    /// <summary>
    /// Stop after this many optimiser steps, whatever <see cref="Epochs"/> says; also fixes the length of the learning
    /// rate schedule. Default null: the number of steps follows from <see cref="Epochs"/> and the data.
    /// </summary>
    public long? MaxSteps { get; set; }

    /// <summary>Rows in one micro-batch. Default 32, at most 65,536.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Upper bound on the (padded) tokens of one micro-batch, for batchers that cut batches by tokens.
    /// Default null: only <see cref="BatchSize"/> bounds a batch.
    /// </summary>
    public int? MaxTokensPerBatch { get; set; }

    private double? _learningRate;

    /// <summary>
    /// Peak learning rate, reached at the end of warm-up. Default 3e-4; the Transformer classifier, when this is not
    /// set, chooses a higher rate to train from scratch than to fine-tune (and logs which).
    /// </summary>
    public double LearningRate { get => _learningRate ?? 3e-4; set => _learningRate = value; }

    /// <summary>Whether <see cref="LearningRate"/> was set by the user.</summary>
    internal bool LearningRateIsSet => _learningRate is not null;

    /// <summary>Shape of the learning rate after warm-up. Default <see cref="LearningRateScheduleKind.Cosine"/>.</summary>
    public LearningRateScheduleKind Schedule { get; set; } = LearningRateScheduleKind.Cosine;

    /// <summary>
    /// Optimiser steps over which the learning rate rises linearly from near zero to its peak. Default null: a share of
    /// the run (<see cref="AutomaticWarmupFraction"/> of its steps, at most <see cref="AutomaticWarmupMaxSteps"/>),
    /// so that a short run is not all warm-up; the training log says how many steps were chosen.
    /// </summary>
    public long? WarmupSteps { get; set; }

    /// <summary>The share of a run's steps spent warming up when <see cref="WarmupSteps"/> is null.</summary>
    public const double AutomaticWarmupFraction = 0.08;

    /// <summary>The most warm-up steps chosen when <see cref="WarmupSteps"/> is null.</summary>
    public const long AutomaticWarmupMaxSteps = 200;

    /// <summary>
    /// The warm-up of a run of <paramref name="totalSteps"/> optimiser steps: <see cref="WarmupSteps"/> when set, else
    /// <see cref="AutomaticWarmupFraction"/> of the run (at least 1 step, at most <see cref="AutomaticWarmupMaxSteps"/>).
    /// </summary>
    public long WarmupFor(long totalSteps) => WarmupSteps
        ?? Math.Clamp((long)Math.Ceiling(AutomaticWarmupFraction * Math.Max(1, totalSteps)), 1, AutomaticWarmupMaxSteps);

    /// <summary>Learning rate at the end of a linear or cosine decay. Default 0 (decay all the way).</summary>
    public double MinLearningRate { get; set; }

    /// <summary>
    /// Decoupled (AdamW) weight decay, applied only to weight matrices: never to biases, normalisation or embedding
    /// parameters (see <see cref="ParameterGroups"/>). Default 0.01; below 1 / <see cref="LearningRate"/>.
    /// </summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Adam's first-moment decay. Default 0.9.</summary>
    public double AdamBeta1 { get; set; } = 0.9;

    /// <summary>Adam's second-moment decay. Default 0.999.</summary>
    public double AdamBeta2 { get; set; } = 0.999;

    /// <summary>Adam's denominator epsilon. Default 1e-8, at least <see cref="MinAdamEpsilon"/>.</summary>
    public double AdamEpsilon { get; set; } = 1e-8;

    /// <summary>Clip the global gradient L2 norm to this value before each step. Default 1.0; null turns clipping off.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>Micro-batches whose gradients add up into one optimiser step. Default 1.</summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Label smoothing for cross-entropy losses (the trainer's loss function applies it). Default 0.</summary>
    public double LabelSmoothing { get; set; }

    /// <summary>
    /// The number format of the network's products while training. Default null: chosen when training starts,
    /// <see cref="Modeling.Precision.BFloat16"/> on a CPU that reports AVX512-BF16 or AMX-BF16 (instructions that
    /// multiply bfloat16 natively) and <see cref="Modeling.Precision.Float32"/> on other CPUs and on CUDA; the training
    /// log says which and why. The <see cref="AutomaticBFloat16Switch"/> AppContext switch set to false makes that
    /// choice float32 everywhere. <see cref="Modeling.Precision.BFloat16"/> is mixed precision: products and attention
    /// in bfloat16, while parameters, gradients, layer norms, logits and the loss stay float32. On CPUs with
    /// AVX512-BF16 or AMX it trains faster than float32 and learns alike (measured in docs/RESULTS.md); on CPUs without
    /// them it can be slower. Only training is affected: the fitted model computes in float32, as it does once saved
    /// and loaded.
    /// </summary>
    public Precision? Precision { get; set; }

    /// <summary>
    /// The AppContext switch read when <see cref="Precision"/> is null: <c>false</c> makes that choice float32 on every
    /// CPU, as on one without bfloat16 instructions (to train alike across machines); unset or <c>true</c>, bf16 mixed
    /// precision is chosen where the CPU has it. Set it in the application's project, <c>&lt;RuntimeHostConfigurationOption
    /// Include="Microsoft.ML.Transformer.AutomaticBFloat16" Value="false" /&gt;</c>, or with <c>AppContext.SetSwitch</c>
    /// before training.
    /// </summary>
    public const string AutomaticBFloat16Switch = "Microsoft.ML.Transformer.AutomaticBFloat16";

    /// <summary>Seed of every random choice made during training (dropout, shuffling). Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Stop when the validation metric has not improved for this many evaluations in a row.
    /// Default null: never stop early.
    /// </summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>
    /// Evaluate the validation metric every this many optimiser steps. Default null: at the end of each epoch.
    /// </summary>
    public long? EvaluateEveryNSteps { get; set; }

    /// <summary>Whether a larger validation metric is better (accuracy) rather than a smaller one (loss). Default false.</summary>
    public bool HigherMetricIsBetter { get; set; }

    /// <summary>After training with a validation metric, put back the weights of the best evaluation. Default true.</summary>
    public bool RestoreBestWeights { get; set; } = true;

    /// <summary>Folder for the resumable checkpoint. Default null: no checkpoints.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Write a checkpoint every this many optimiser steps (and at the end). Default 500.</summary>
    public long CheckpointEveryNSteps { get; set; } = 500;

    /// <summary>Continue from the checkpoint in <see cref="CheckpointDirectory"/> when there is one. Default true.</summary>
    public bool ResumeFromCheckpoint { get; set; } = true;

    /// <summary>Write a text progress line every this many optimiser steps. Default 50.</summary>
    public long LogEveryNSteps { get; set; } = 50;

    /// <summary>Stop training (as if finished) once this much time has passed. Default null: no limit.</summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>Receives a <see cref="TrainingProgress"/> after every optimiser step. Default null.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Stops training between two steps with an <see cref="OperationCanceledException"/>. The model keeps the weights
    /// of the last completed step (best weights are not restored); a checkpoint already written stays valid.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>A copy a trainer can complete with the choices it made (the caller's options stay as they are).</summary>
    internal TrainingOptions Copy() => (TrainingOptions)MemberwiseClone();

    /// <summary>The smallest <see cref="AdamEpsilon"/> accepted: 1e-30 (a normal Single).</summary>
    public const double MinAdamEpsilon = 1e-30;

    /// <summary>Checks every option; throws an <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public virtual void Validate()
    {
        Require.That(Epochs >= 1, nameof(Epochs), "at least 1", Epochs);
        Require.That(MaxSteps is null or >= 1, nameof(MaxSteps), "null or at least 1", MaxSteps);
        Require.That(BatchSize is >= 1 and <= Batching.BatcherOptions.MaxBatchSize, nameof(BatchSize), $"between 1 and {Batching.BatcherOptions.MaxBatchSize:N0}", BatchSize);
        Require.That(MaxTokensPerBatch is null or >= 1, nameof(MaxTokensPerBatch), "null or at least 1", MaxTokensPerBatch);
        Require.That(LearningRate > 0 && LearningRate <= float.MaxValue, nameof(LearningRate), "a number > 0 that a Single holds", LearningRate);
        Require.That(Enum.IsDefined(Schedule), nameof(Schedule), "Constant, Linear or Cosine", Schedule);
        Require.That(Precision is null || Enum.IsDefined(Precision.Value), nameof(Precision), "null, Float32 or BFloat16", Precision);
        Require.That(WarmupSteps is null or >= 0, nameof(WarmupSteps), "null or at least 0", WarmupSteps);
        Require.That(MinLearningRate >= 0 && MinLearningRate <= LearningRate, nameof(MinLearningRate),
            $"between 0 and LearningRate ({LearningRate.ToString(CultureInfo.InvariantCulture)})", MinLearningRate);
        // AdamW multiplies each weight by 1 - LearningRate × WeightDecay a step: past 1 that flips or zeroes every weight.
        Require.That(WeightDecay >= 0 && WeightDecay * LearningRate < 1, nameof(WeightDecay),
            $"a number >= 0 below 1 / LearningRate ({(1 / LearningRate).ToString("G4", CultureInfo.InvariantCulture)})", WeightDecay);
        Require.That(AdamBeta1 is >= 0 and < 1, nameof(AdamBeta1), "in [0, 1)", AdamBeta1);
        Require.That(AdamBeta2 is >= 0 and < 1, nameof(AdamBeta2), "in [0, 1)", AdamBeta2);
        // Adam divides by √v + AdamEpsilon in Single: a smaller epsilon rounds to 0 (or a subnormal) and the division overflows.
        Require.That(AdamEpsilon >= MinAdamEpsilon && AdamEpsilon <= float.MaxValue, nameof(AdamEpsilon),
            $"a number between {MinAdamEpsilon.ToString(CultureInfo.InvariantCulture)} and the largest Single", AdamEpsilon);
        Require.That(GradientClipNorm is null || (GradientClipNorm > 0 && GradientClipNorm <= float.MaxValue), nameof(GradientClipNorm),
            "null or a number > 0 that a Single holds", GradientClipNorm);
        Require.That(GradientAccumulationSteps >= 1, nameof(GradientAccumulationSteps), "at least 1", GradientAccumulationSteps);
        Require.That(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), "in [0, 1)", LabelSmoothing);
        Require.That(EarlyStoppingPatience is null or >= 1, nameof(EarlyStoppingPatience), "null or at least 1", EarlyStoppingPatience);
        Require.That(EvaluateEveryNSteps is null or >= 1, nameof(EvaluateEveryNSteps), "null or at least 1", EvaluateEveryNSteps);
        Require.That(CheckpointEveryNSteps >= 1, nameof(CheckpointEveryNSteps), "at least 1", CheckpointEveryNSteps);
        Require.That(LogEveryNSteps >= 1, nameof(LogEveryNSteps), "at least 1", LogEveryNSteps);
        Require.That(TimeBudget is null || TimeBudget > TimeSpan.Zero, nameof(TimeBudget), "null or longer than zero", TimeBudget);
        Require.That(CheckpointDirectory is null || CheckpointDirectory.Trim().Length > 0, nameof(CheckpointDirectory),
            "null or a folder path", CheckpointDirectory);
    }

    /// <summary>
    /// The settings that change what a resumed run computes, one "name=value" line each. A checkpoint records them
    /// and refuses to resume under different ones. Epochs, MaxSteps and TimeBudget are left out so that a run can be
    /// extended; logging, checkpoint and cancellation settings are left out because they change nothing learned.
    /// </summary>
    internal string Fingerprint() => string.Join('\n',
        Line(nameof(BatchSize), BatchSize), Line(nameof(MaxTokensPerBatch), MaxTokensPerBatch),
        Line(nameof(LearningRate), LearningRate), Line(nameof(Schedule), Schedule), Line(nameof(WarmupSteps), WarmupSteps),
        Line(nameof(MinLearningRate), MinLearningRate), Line(nameof(WeightDecay), WeightDecay),
        Line(nameof(AdamBeta1), AdamBeta1), Line(nameof(AdamBeta2), AdamBeta2), Line(nameof(AdamEpsilon), AdamEpsilon),
        Line(nameof(GradientClipNorm), GradientClipNorm), Line(nameof(GradientAccumulationSteps), GradientAccumulationSteps),
        Line(nameof(LabelSmoothing), LabelSmoothing), Line(nameof(Seed), Seed),
        Line(nameof(HigherMetricIsBetter), HigherMetricIsBetter));

    private static string Line(string name, object? value) =>
        name + "=" + (value is null ? "null" : Convert.ToString(value, CultureInfo.InvariantCulture));
}
