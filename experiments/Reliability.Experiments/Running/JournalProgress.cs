using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Load.Engine;
using Reliability.Load.Measurement;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Experiments.Running;

/// <summary>
/// Puts the load time series into the journal as it is measured (one record per second, for the bucket
/// two seconds back, by then complete for all but the slowest requests) and forwards to the console.
/// </summary>
internal sealed class JournalProgress(ExperimentJournal journal, ILoadProgress? console) : ILoadProgress
{
    private readonly TaskCompletionSource<DateTimeOffset> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunMeasurements? _measurements;
    private long _lastBucket = -1;

    public Task<DateTimeOffset> Started => _started.Task;
    public RunMeasurements? Measurements => _measurements;

    public void OnStart(DateTimeOffset startedAt)
    {
        journal.Write(new LoadStarted(startedAt));
        _started.TrySetResult(startedAt);
        console?.OnStart(startedAt);
    }

    public void OnSimulation(LoadSimulation simulation) => console?.OnSimulation(simulation);

    public void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed)
    {
        _measurements = measurements;
        var bucket = (long)Math.Floor((elapsed - TimeSpan.FromSeconds(2)).TotalSeconds);
        if (bucket > _lastBucket && bucket >= 0 && Started.IsCompleted)
        {
            _lastBucket = bucket;
            var stats = measurements.Series.Peek(TimeSpan.FromSeconds(bucket)) ?? new OutcomeStats(2);
            journal.Write(Second(Started.Result + TimeSpan.FromSeconds(bucket), stats));
        }
        console?.OnTick(scenario, measurements, elapsed);
    }

    private static LoadSecond Second(DateTimeOffset start, OutcomeStats stats) => new(start, stats.Ok, stats.Failed, stats.Failures,
        Math.Round(stats.Latency.Percentile(50).TotalMilliseconds, 2), Math.Round(stats.Latency.Percentile(95).TotalMilliseconds, 2),
        Math.Round(stats.Latency.Percentile(99).TotalMilliseconds, 2), Math.Round(stats.Latency.Max.TotalMilliseconds, 2));
}
