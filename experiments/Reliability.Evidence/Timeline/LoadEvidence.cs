using Reliability.Evidence.Journal.Events;
using Reliability.Load.Measurement;

namespace Reliability.Evidence;

/// <summary>
/// The load as the journal holds it: per bucket, counts, failures by reason and the exact latency
/// histogram, so that any window's percentiles are computed from merged histograms, never averaged.
/// </summary>
internal sealed class LoadEvidence
{
    private LoadEvidence(DateTimeOffset startedAt, TimeSpan bucketWidth, IReadOnlyList<(DateTimeOffset Start, OutcomeStats Stats)> buckets, LoadSummary? summary)
    {
        StartedAt = startedAt;
        BucketWidth = bucketWidth;
        Buckets = buckets;
        Summary = summary;
    }

    public DateTimeOffset StartedAt { get; }
    public TimeSpan BucketWidth { get; }
    public IReadOnlyList<(DateTimeOffset Start, OutcomeStats Stats)> Buckets { get; }
    public LoadSummary? Summary { get; }

    internal static LoadEvidence? From(LoadSeries? series, LoadSummary? summary) => series is null ? null
        : new LoadEvidence(series.StartedAt, TimeSpan.FromSeconds(series.BucketSeconds),
            [.. series.Buckets.Select(b => (b.Start, OutcomeStats.Restore(b.Ok, b.Reasons, LatencyHistogram.Decode(b.Latency, TimeSeries.BucketDigits), TimeSeries.BucketDigits, b.Requests, b.FailedRequests)))],
            summary);

    /// <summary>The outcomes of iterations intended to start at or after <paramref name="from"/> and before <paramref name="to"/>.</summary>
    public OutcomeStats Window(DateTimeOffset from, DateTimeOffset to)
    {
        var merged = new OutcomeStats(TimeSeries.BucketDigits);
        foreach (var (start, stats) in Buckets)
        {
            if (start >= from && start < to)
            {
                merged.Add(stats);
            }
        }
        return merged;
    }

    /// <summary>The bucket for the series in the journal: counts, live percentiles for the eye, and the encoded histogram.</summary>
    public static LoadBucket Bucket(DateTimeOffset start, OutcomeStats stats) => new(start, stats.Ok, stats.Failed, stats.Failures,
        Math.Round(stats.Latency.Percentile(50).TotalMilliseconds, 2), Math.Round(stats.Latency.Percentile(95).TotalMilliseconds, 2),
        Math.Round(stats.Latency.Percentile(99).TotalMilliseconds, 2), Math.Round(stats.Latency.Max.TotalMilliseconds, 2), stats.Latency.Encode())
    {
        Requests = stats.Requests,
        FailedRequests = stats.FailedRequests,
    };
}
