using Reliability.Load.Engine;
using Reliability.Load.Measurement;

namespace Reliability.Load.Sharding;

/// <summary>
/// Outcomes as they travel from a shard to the coordinator: counts, failures by reason, and the latency and
/// service-time histograms in HdrHistogram's compressed encoding with their precision. Never percentiles:
/// percentiles of shards cannot be combined, histograms can, exactly.
/// </summary>
internal sealed record OutcomeParts(long Ok, IReadOnlyDictionary<string, long> Failures, long Requests, long FailedRequests, int Digits, string Latency, string ServiceTime)
{
    public static OutcomeParts Of(OutcomeStats stats) => new(stats.Ok, stats.Failures, stats.Requests, stats.FailedRequests,
        stats.Latency.SignificantDigits, stats.Latency.Encode(), stats.ServiceTime.Encode());

    /// <summary>The same outcomes (a record's own equality would compare the failures' dictionaries by reference).</summary>
    public bool Same(OutcomeParts other) =>
        Ok == other.Ok && Requests == other.Requests && FailedRequests == other.FailedRequests && Digits == other.Digits
        && Latency == other.Latency && ServiceTime == other.ServiceTime
        && Failures.Count == other.Failures.Count && Failures.All(f => other.Failures.TryGetValue(f.Key, out var n) && n == f.Value);

    public OutcomeStats ToStats() => OutcomeStats.Restore(Ok, Failures, LatencyHistogram.Decode(Latency, Digits), Digits, Requests, FailedRequests,
        LatencyHistogram.Decode(ServiceTime, Digits));
}

/// <summary>One bucket of a shard's time series: its index (start = index × width from the shared start) and outcomes.</summary>
internal sealed record BucketParts(long Index, OutcomeParts Outcomes);

/// <summary>
/// Everything one shard measured, as it sends it at the end: the same parts a run's <see cref="RunMeasurements"/>
/// holds. The shards share one start time, so their buckets line up by index.
/// </summary>
internal sealed record ShardMeasurements(
    int Shard,
    double BucketSeconds,
    long Dropped,
    int LagDigits,
    string SchedulingLag,
    OutcomeParts Scenario,
    IReadOnlyDictionary<string, OutcomeParts> Steps,
    IReadOnlyList<BucketParts> Series)
{
    public static ShardMeasurements Of(int shard, RunMeasurements measurements) => new(
        shard,
        measurements.Series.BucketWidth.TotalSeconds,
        measurements.Dropped,
        measurements.SchedulingLag.SignificantDigits,
        measurements.SchedulingLag.Encode(),
        OutcomeParts.Of(measurements.Scenario),
        measurements.Steps.ToDictionary(s => s.Key, s => OutcomeParts.Of(s.Value), StringComparer.Ordinal),
        [.. measurements.Series.Buckets().Select(b => new BucketParts((long)Math.Round(b.Start / measurements.Series.BucketWidth), OutcomeParts.Of(b.Stats)))]);

    /// <summary>
    /// The shards' measurements as one run's: counts added and histograms merged, bucket by bucket. Shards of
    /// one run use the same histogram configuration; one that does not (another build) is refused rather than
    /// merged approximately.
    /// </summary>
    public static RunMeasurements Merge(IReadOnlyCollection<ShardMeasurements> shards)
    {
        if (shards.Count == 0)
        {
            throw new ArgumentException("no shard measured anything", nameof(shards));
        }
        var first = shards.First();
        var mismatch = shards.FirstOrDefault(s => s.BucketSeconds != first.BucketSeconds || s.LagDigits != first.LagDigits || s.Scenario.Digits != first.Scenario.Digits);
        if (mismatch is not null)
        {
            throw new InvalidDataException($"shard {mismatch.Shard} measured with another configuration than shard {first.Shard} (bucket {mismatch.BucketSeconds} s, "
                + $"{mismatch.Scenario.Digits} significant digits): its histograms cannot be merged exactly");
        }
        var merged = new RunMeasurements(TimeSpan.FromSeconds(first.BucketSeconds));
        foreach (var shard in shards)
        {
            merged.Add(shard.Scenario.ToStats(), shard.Steps.Select(s => (s.Key, s.Value.ToStats())),
                shard.Series.Select(b => (b.Index, b.Outcomes.ToStats())), LatencyHistogram.Decode(shard.SchedulingLag, shard.LagDigits), shard.Dropped);
        }
        return merged;
    }
}
