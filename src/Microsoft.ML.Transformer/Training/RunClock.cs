using System.Diagnostics;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Time and throughput of this run, on top of the time of the runs it resumed.</summary>
internal sealed class RunClock(TimeSpan before)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _tokens, _steps;

    public TimeSpan ThisRun => _watch.Elapsed;
    public TimeSpan Total => before + _watch.Elapsed;
    public double TokensPerSecond => _tokens / Math.Max(1e-9, _watch.Elapsed.TotalSeconds);

    public void Count(long tokens) => (_tokens, _steps) = (_tokens + tokens, _steps + 1);

    public TimeSpan? TimeLeft(long step, long? total) =>
        total is long t && _steps > 0 ? TimeSpan.FromTicks(_watch.Elapsed.Ticks / _steps * Math.Max(0, t - step)) : null;
}
