using System.Collections.Concurrent;
using Reliability.Load.Measurement;

namespace Reliability.Load.Engine;

/// <summary>Everything measured in one scenario run: the scenario, each step, the time series and the dropped arrivals.</summary>
public sealed class RunMeasurements(TimeSpan bucketWidth)
{
    private readonly ConcurrentDictionary<string, OutcomeStats> _steps = new(StringComparer.Ordinal);
    private long _dropped;

    public OutcomeStats Scenario { get; } = new();
    public TimeSeries Series { get; } = new(bucketWidth);
    /// <summary>A snapshot: enumerating the live dictionary with LINQ races with concurrent updates.</summary>
    public IReadOnlyDictionary<string, OutcomeStats> Steps => new Dictionary<string, OutcomeStats>(_steps.ToArray(), StringComparer.Ordinal);
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Open model: actual minus intended start of each measured iteration.</summary>
    public LatencyHistogram SchedulingLag { get; } = new();

    internal OutcomeStats Step(string name) => _steps.GetOrAdd(name, _ => new OutcomeStats());

    internal void CountDropped(TimeSpan intendedSinceStart, bool measured)
    {
        Interlocked.Increment(ref _dropped);
        if (measured)
        {
            Scenario.RecordUntimedFailure(Scenarios.FailureReason.Dropped);
            Series.At(intendedSinceStart).RecordUntimedFailure(Scenarios.FailureReason.Dropped);
        }
    }

    /// <summary>Adds another engine's measurements of the same run (a shard's): counts added, histograms merged, buckets by index.</summary>
    internal void Add(OutcomeStats scenario, IEnumerable<(string Name, OutcomeStats Stats)> steps, IEnumerable<(long Index, OutcomeStats Stats)> buckets,
        LatencyHistogram schedulingLag, long dropped)
    {
        Scenario.Add(scenario);
        foreach (var (name, stats) in steps)
        {
            Step(name).Add(stats);
        }
        foreach (var (index, stats) in buckets)
        {
            Series.At(Series.BucketWidth * index).Add(stats);
        }
        SchedulingLag.Add(schedulingLag);
        Interlocked.Add(ref _dropped, dropped);
    }

    internal void RecordLag(TimeSpan lag) => SchedulingLag.Record(lag < TimeSpan.Zero ? TimeSpan.Zero : lag);
}
