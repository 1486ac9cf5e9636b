namespace Reliability.Evidence.Journal.Events;

/// <summary>The load engine started; seconds of the load series count from here.</summary>
internal sealed record LoadStarted(DateTimeOffset StartedAt) : JournalEvent;

/// <summary>One second of load as it was measured live (two seconds back, by then complete but for the slowest requests).</summary>
internal sealed record LoadSecond(DateTimeOffset Start, long Ok, long Failed, IReadOnlyDictionary<string, long> Reasons,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs) : JournalEvent;

/// <summary>
/// The whole load, second by second, once it ended: each bucket with its latency histogram in
/// HdrHistogram's compressed encoding, so that any window's percentiles can be computed exactly.
/// </summary>
internal sealed record LoadSeries(DateTimeOffset StartedAt, double BucketSeconds, IReadOnlyList<LoadBucket> Buckets) : JournalEvent;

/// <summary>Iterations whose intended start fell in one bucket.</summary>
internal sealed record LoadBucket(DateTimeOffset Start, long Ok, long Failed, IReadOnlyDictionary<string, long> Reasons,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, string Latency)
{
    /// <summary>The requests (steps) of those iterations, and how many failed: what an edge counts.</summary>
    public long Requests { get; init; }
    public long FailedRequests { get; init; }
}

/// <summary>The load's totals, warm-up excluded.</summary>
internal sealed record LoadSummary(string Scenario, long Count, long Ok, long Failed, IReadOnlyDictionary<string, long> Reasons, double Rps, long Dropped,
    double MinMs, double MeanMs, double P50Ms, double P75Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs) : JournalEvent;
