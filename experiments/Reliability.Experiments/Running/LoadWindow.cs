using Reliability.Load.Engine;
using Reliability.Load.Measurement;

namespace Reliability.Experiments.Running;

/// <summary>The load's outcomes for iterations intended to start within a wall-clock window.</summary>
internal static class LoadWindow
{
    public static OutcomeStats Merge(RunMeasurements measurements, DateTimeOffset loadStart, DateTimeOffset from, DateTimeOffset to)
    {
        var merged = new OutcomeStats(2);
        foreach (var (start, stats) in measurements.Series.Buckets())
        {
            var at = loadStart + start;
            if (at >= from && at < to)
            {
                merged.Add(stats);
            }
        }
        return merged;
    }
}
