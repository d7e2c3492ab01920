using System.Globalization;
using Microsoft.ML.Transformer.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// The one training loop of every trainer: AdamW with decay and no-decay groups, warm-up and decay of the learning
/// rate, gradient accumulation weighted by tokens, clipping, validation with early stopping and best-weight restore,
/// atomic resumable checkpoints, a time budget and cancellation. A trainer builds a model, then calls
/// <see cref="Run{TBatch}"/> with its batches and its loss; nothing is subclassed.
/// </summary>
internal sealed class TrainingLoop : IDisposable
{
    private const double LossSmoothing = 0.9;

    private readonly nn.Module _model;
    private readonly TrainingOptions _options;
    private readonly string _fingerprint;
    private readonly Action<string> _log;
    private readonly Parameter[] _parameters;
    private readonly AdamW _optimizer;
    private readonly BestWeights _best = new();
    private TrainingState _state = new();
    private bool _ran;

    /// <param name="model">The model to train, in place.</param>
    /// <param name="options">Training settings; validated here.</param>
    /// <param name="decays">Which parameters get weight decay, by name; default <see cref="ParameterGroups.DefaultDecays"/>.</param>
    /// <param name="configFingerprint">
    /// The caller's description of everything else a checkpoint depends on (model shape, tokenizer, data), ideally as
    /// "name=value" lines so that a refused resume can say what differs.
    /// </param>
    /// <param name="log">Receives text progress lines (an ML.NET channel's Info, for instance).</param>
    public TrainingLoop(nn.Module model, TrainingOptions options, Func<string, Parameter, bool>? decays = null,
        string configFingerprint = "", Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (PrecisionScope.NetworksIn(model).Any(m => m.IsPreparedForInference))
            throw new InvalidOperationException("The network was prepared for inference (a fitted transformer's network, " +
                "whose inference copies of the weights would go stale); train a copy, or fine-tune from the fitted transformer as a base model.");
        (_model, _options, _log) = (model, options, log ?? (_ => { }));
        _fingerprint = options.Fingerprint() + "\n" + configFingerprint;

        var (decay, noDecay) = ParameterGroups.Split(model, decays);
        _parameters = [.. decay, .. noDecay];
        if (_parameters.Length == 0)
            throw new ArgumentException("The model has no trainable parameter.", nameof(model));
        // Two groups, because TorchSharp's AdamW applies one weight decay per group (and defaults to none at all).
        var groups = new[] { (decay, options.WeightDecay), (noDecay, 0.0) }
            .Where(g => g.Item1.Count > 0)
            .Select(g => new AdamW.ParamGroup(g.Item1, options.LearningRate, options.AdamBeta1, options.AdamBeta2,
                options.AdamEpsilon, g.Item2));
        _optimizer = new AdamW(groups, options.LearningRate, options.AdamBeta1, options.AdamBeta2,
            options.AdamEpsilon, options.WeightDecay);
    }

    /// <summary>The training curve, one record per optimiser step.</summary>
    public TrainingHistory History => _state.History;

    /// <summary>Trains the model; call once per loop.</summary>
    /// <typeparam name="TBatch">The trainer's batch; each one is disposed as soon as its loss has been back-propagated.</typeparam>
    /// <param name="batchesForEpoch">
    /// The micro-batches of an epoch (0-based). Must give the same batches when called again with the same epoch, so
    /// that a resumed run can skip what was already consumed: seed any shuffling from the epoch and the options' seed.
    /// </param>
    /// <param name="loss">
    /// Forward pass of one batch: its mean loss (a scalar) and the number of targets the mean is over (target tokens, or
    /// rows for classification). Runs in a dispose scope, with the model in training mode.
    /// </param>
    /// <param name="validate">
    /// Optional validation metric (lower is better unless <see cref="TrainingOptions.HigherMetricIsBetter"/>); runs in
    /// evaluation mode without gradients.
    /// </param>
    /// <param name="batchesPerEpoch">
    /// Micro-batches in an epoch, if known, for the length of the schedule. When neither this, a counted collection nor
    /// <see cref="TrainingOptions.MaxSteps"/> gives it and the schedule decays, epoch 0 is enumerated once to count it.
    /// </param>
    /// <param name="validateFirst">
    /// Evaluate the starting weights too (a fresh run only), so that they are kept when no step improves on them: for
    /// a model whose part was fitted before this loop.
    /// </param>
    /// <exception cref="OperationCanceledException">The options' token was cancelled; see <see cref="TrainingOptions.CancellationToken"/>.</exception>
    public TrainingResult Run<TBatch>(Func<int, IEnumerable<TBatch>> batchesForEpoch, Func<TBatch, (Tensor Loss, long Tokens)> loss,
        Func<double>? validate = null, long? batchesPerEpoch = null, bool validateFirst = false) where TBatch : IDisposable
    {
        ArgumentNullException.ThrowIfNull(batchesForEpoch);
        ArgumentNullException.ThrowIfNull(loss);
        if (_ran)
            throw new InvalidOperationException("A TrainingLoop runs once; create a new one (it resumes from the checkpoint).");
        _ran = true;

        long? totalSteps = TotalSteps(batchesForEpoch, batchesPerEpoch);
        var schedule = LearningRateSchedule.From(_options, totalSteps ?? long.MaxValue);
        if (_options.WarmupSteps is null)
            _log(string.Create(CultureInfo.InvariantCulture, $"Warm-up: {schedule.WarmupSteps:N0} steps, chosen as {TrainingOptions.AutomaticWarmupFraction * 100:0.#}% of the run's ")
                + (totalSteps is long t ? string.Create(CultureInfo.InvariantCulture, $"{t:N0} steps") : "unknown length")
                + $" (at most {TrainingOptions.AutomaticWarmupMaxSteps}); set WarmupSteps to pin it.");
        StartOrResume();
        var run = new RunClock(_state.ElapsedBefore);
        TrainingStopReason? stop = _state.StoppedEarly ? TrainingStopReason.EarlyStopping : null;
        using var precision = new PrecisionScope(_model, _options.Precision ?? AutomaticPrecision.For(_parameters[0].device.type, _log));
        _model.train();
        if (validateFirst && validate is not null && _state.Step == 0)
            Evaluate(validate);

        for (; stop is null && _state.Epoch < _options.Epochs; )
        {
            using var batches = batchesForEpoch(_state.Epoch).GetEnumerator();
            for (long i = 0; i < _state.BatchesConsumedInEpoch; i++)
            {
                if (!batches.MoveNext())
                    throw new InvalidDataException($"Epoch {_state.Epoch} now has fewer batches than the checkpoint had consumed "
                        + $"({_state.BatchesConsumedInEpoch}): the training data or batching changed since it was written.");
                batches.Current.Dispose();
            }
            bool hasNext = batches.MoveNext();
            if (!hasNext && _state.BatchesConsumedInEpoch == 0)
                throw new InvalidOperationException($"The batch source gave no batch for epoch {_state.Epoch}.");
            if (!hasNext)
                (_state.Epoch, _state.BatchesConsumedInEpoch) = (_state.Epoch + 1, 0);
            TBatch next = hasNext ? batches.Current : default!;
            try
            {
                int micro = 0;
                double lossSum = 0;
                long tokens = 0;
                while (hasNext)
                {
                    _options.CancellationToken.ThrowIfCancellationRequested();
                    var batch = next;
                    hasNext = false; // the batch is ours to dispose now
                    using (batch)
                    using (NewDisposeScope())
                    {
                        var (l, n) = loss(batch);
                        lossSum += Backward(l, n);
                        tokens += n;
                    }
                    micro++;
                    _state.BatchesConsumedInEpoch++;
                    // Looking one batch ahead tells whether this micro-batch is the epoch's last, which ends a step early.
                    hasNext = batches.MoveNext();
                    if (hasNext)
                        next = batches.Current;
                    if (micro < _options.GradientAccumulationSteps && hasNext)
                        continue;
                    stop = Step(schedule, totalSteps, lossSum / tokens, tokens, endsEpoch: !hasNext, validate, run);
                    (micro, lossSum, tokens) = (0, 0.0, 0L);
                    if (stop is not null)
                        break;
                }
            }
            finally
            {
                if (hasNext)
                    next.Dispose();
            }
        }
        stop ??= TrainingStopReason.Completed;

        SaveCheckpoint(run);
        MemoryManagement.AfterTraining();
        _model.eval();
        bool restored = _options.RestoreBestWeights && _state.BestStep != _state.Step && _best.Restore(_model);
        _log($"Training stopped ({stop}) after {_state.Step} steps in {TrainingProgress.Format(run.Total)}"
            + (restored ? $"; restored the weights of step {_state.BestStep} (validation {TrainingProgress.Format(_state.BestMetric!.Value)})." : "."));
        return new TrainingResult(_state.Step, stop.Value, _state.BestMetric, _state.BestMetric is null ? null : _state.BestStep, History);
    }

    /// <summary>Back-propagates one micro-batch, weighted by its targets; returns loss × targets.</summary>
    private double Backward(Tensor loss, long tokens)
    {
        if (loss.numel() != 1)
            throw new InvalidOperationException($"The loss function must return a scalar; it returned shape [{string.Join(", ", loss.shape)}].");
        if (tokens <= 0)
            throw new InvalidOperationException($"The loss function must count at least one target; it counted {tokens}.");
        double value = loss.detach().to_type(ScalarType.Float64).cpu().item<double>();
        if (!double.IsFinite(value))
            throw new InvalidOperationException($"The training loss became {value} at step {_state.Step + 1}; "
                + "try a lower LearningRate, more WarmupSteps or GradientClipNorm.");
        // Summing loss × targets and dividing the gradients by all targets before the step makes accumulated
        // micro-batches of different sizes equal to one big batch.
        loss.Times(tokens).backward();
        return value * tokens;
    }

    /// <summary>One optimiser step, then evaluation, progress, checkpoint; returns why to stop, or null.</summary>
    private TrainingStopReason? Step(LearningRateSchedule schedule, long? totalSteps, double stepLoss, long tokens,
        bool endsEpoch, Func<double>? validate, RunClock run)
    {
        double lr = schedule.At(_state.Step);
        // Dividing by all targets turns the summed (loss × targets) gradients into those of the mean loss.
        double gradientNorm = Gradients.ScaleAndClip(_parameters, 1.0 / tokens, _options.GradientClipNorm);
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = lr;
        // zero_grad too: it wraps each gradient in a new handle that nothing else would free.
        using (NewDisposeScope())
        {
            _optimizer.step();
            _optimizer.zero_grad();
        }
        MemoryManagement.AfterStep();
        _state.Step++;
        int epoch = _state.Epoch;
        run.Count(tokens);

        double? metric = null;
        TrainingStopReason? stop = null;
        bool evaluate = validate is not null && (_options.EvaluateEveryNSteps is long every ? _state.Step % every == 0 : endsEpoch);
        if (evaluate)
        {
            metric = Evaluate(validate!);
            if (_options.EarlyStoppingPatience is int patience && _state.EvaluationsWithoutImprovement >= patience)
                (stop, _state.StoppedEarly) = (TrainingStopReason.EarlyStopping, true);
        }

        _state.LossAverage = LossSmoothing * _state.LossAverage + (1 - LossSmoothing) * stepLoss;
        double smoothed = _state.LossAverage / (1 - Math.Pow(LossSmoothing, _state.Step));
        var progress = new TrainingProgress(_state.Step, totalSteps, epoch, stepLoss, smoothed, lr, gradientNorm, run.TokensPerSecond,
            run.Total, run.TimeLeft(_state.Step, totalSteps), metric);
        _state.History.Add(progress);
        _options.Progress?.Report(progress);
        if (_state.Step % _options.LogEveryNSteps == 0 || metric is not null)
            _log(progress.ToString());

        if (endsEpoch)
            (_state.Epoch, _state.BatchesConsumedInEpoch) = (epoch + 1, 0);
        if (stop is null && _options.MaxSteps is long max && _state.Step >= max)
            stop = TrainingStopReason.MaxSteps;
        if (stop is null && _options.TimeBudget is TimeSpan budget && run.ThisRun >= budget)
            stop = TrainingStopReason.TimeBudget;
        if (stop is null && _state.Step % _options.CheckpointEveryNSteps == 0)
            SaveCheckpoint(run);
        return stop;
    }

    private double Evaluate(Func<double> validate)
    {
        double metric;
        _model.eval();
        try
        {
            using (no_grad())
            using (NewDisposeScope())
                metric = validate();
        }
        finally
        {
            _model.train();
        }
        bool better = _state.BestMetric is not double best
            || (_options.HigherMetricIsBetter ? metric > best : metric < best);
        if (better)
        {
            (_state.BestMetric, _state.BestStep, _state.EvaluationsWithoutImprovement) = (metric, _state.Step, 0);
            _best.Capture(_model);
        }
        else
        {
            _state.EvaluationsWithoutImprovement++;
        }
        return metric;
    }

    /// <summary>Seeds a fresh run, or loads the checkpoint of an interrupted one.</summary>
    private void StartOrResume()
    {
        torch.manual_seed(_options.Seed);
        if (_options.CheckpointDirectory is not string dir)
            return;
        string path = Checkpoint.PathIn(dir);
        AtomicFile.RemoveStaleTemporaries(path);
        if (!_options.ResumeFromCheckpoint || !File.Exists(path))
            return;
        var (state, best) = Checkpoint.Load(path, _fingerprint, _model, _optimizer);
        _state = state;
        _best.Set(best);
        using (var generatorState = tensor(state.RandomState))
            torch.Generator.Default.set_state(generatorState);
        _log($"Resuming from {path}: step {state.Step}, epoch {state.Epoch}, {state.BatchesConsumedInEpoch} batches into it.");
    }

    private void SaveCheckpoint(RunClock run)
    {
        if (_options.CheckpointDirectory is not string dir)
            return;
        using (var generatorState = torch.Generator.Default.get_state())
            _state.RandomState = generatorState.data<byte>().ToArray();
        _state.ElapsedBefore = run.Total;
        Checkpoint.Save(Checkpoint.PathIn(dir), _fingerprint, _state, _model, _optimizer, _best.Tensors);
    }

    private long? TotalSteps<TBatch>(Func<int, IEnumerable<TBatch>> batchesForEpoch, long? batchesPerEpoch) where TBatch : IDisposable
    {
        if (_options.MaxSteps is long max)
            return max;
        if (batchesPerEpoch is null && batchesForEpoch(0).TryGetNonEnumeratedCount(out int count))
            batchesPerEpoch = count;
        if (batchesPerEpoch is null && _options.Schedule != LearningRateScheduleKind.Constant)
        {
            // The decay needs the run's length. Batching without the model is cheap next to training on it.
            long counted = 0;
            foreach (var batch in batchesForEpoch(0))
            {
                batch.Dispose();
                counted++;
            }
            batchesPerEpoch = counted;
        }
        if (batchesPerEpoch is not long perEpoch)
            return null;
        long stepsPerEpoch = (perEpoch + _options.GradientAccumulationSteps - 1) / _options.GradientAccumulationSteps;
        return Math.Max(1, stepsPerEpoch * _options.Epochs);
    }

    /// <summary>Frees the optimiser state and the kept best weights; the model stays the caller's.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        _best.Dispose();
    }
}
