using System.Collections.Concurrent;

namespace Reliability.Load.Measurement;

/// <summary>Counts and latencies of one scenario or step: ok, failures by reason, and the latency histogram(s).</summary>
public sealed class OutcomeStats(int significantDigits = 3)
{
    private long _ok;
    private long _requests;
    private long _failedRequests;
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);

    /// <summary>User-visible latency: from the intended start in the open model (corrects coordinated omission).</summary>
    public LatencyHistogram Latency { get; } = new(significantDigits);
    /// <summary>Service time: from the actual start.</summary>
    public LatencyHistogram ServiceTime { get; } = new(significantDigits);

    public long Ok => Interlocked.Read(ref _ok);
    /// <summary>A snapshot: enumerating the live dictionary with LINQ races with concurrent updates.</summary>
    public IReadOnlyDictionary<string, long> Failures => new Dictionary<string, long>(_failures.ToArray(), StringComparer.Ordinal);
    public long Failed => _failures.Values.Sum();
    public long Count => Ok + Failed;
    /// <summary>The steps (one request each) of the iterations counted here, and how many of them failed: availability as the edge counts it.</summary>
    public long Requests => Interlocked.Read(ref _requests);
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>One step (request) of an iteration counted here.</summary>
    public void RecordRequest(bool ok)
    {
        Interlocked.Increment(ref _requests);
        if (!ok)
        {
            Interlocked.Increment(ref _failedRequests);
        }
    }

    public void Record(bool ok, string? reason, TimeSpan latency, TimeSpan serviceTime)
    {
        if (ok)
        {
            Interlocked.Increment(ref _ok);
        }
        else
        {
            _failures.AddOrUpdate(reason ?? "unknown", 1, (_, n) => n + 1);
        }
        Latency.Record(latency);
        ServiceTime.Record(serviceTime);
    }

    /// <summary>Adds another window's outcomes to this one (merging buckets into a phase).</summary>
    public void Add(OutcomeStats other)
    {
        Interlocked.Add(ref _ok, other.Ok);
        Interlocked.Add(ref _requests, other.Requests);
        Interlocked.Add(ref _failedRequests, other.FailedRequests);
        foreach (var (reason, count) in other.Failures)
        {
            _failures.AddOrUpdate(reason, count, (_, n) => n + count);
        }
        Latency.Add(other.Latency);
        ServiceTime.Add(other.ServiceTime);
    }

    /// <summary>Outcomes read back from their parts (a bucket of a journal): counts, failures by reason and the latency histogram.</summary>
    public static OutcomeStats Restore(long ok, IReadOnlyDictionary<string, long> failures, LatencyHistogram latency, int significantDigits = 3, long requests = 0, long failedRequests = 0,
        LatencyHistogram? serviceTime = null)
    {
        var stats = new OutcomeStats(significantDigits) { _ok = ok, _requests = requests, _failedRequests = failedRequests };
        foreach (var (reason, count) in failures)
        {
            stats._failures[reason] = count;
        }
        stats.Latency.Add(latency);
        if (serviceTime is not null)
        {
            stats.ServiceTime.Add(serviceTime);
        }
        return stats;
    }

    /// <summary>A failure that never ran (an arrival dropped for want of a free user): counted, not timed.</summary>
    public void RecordUntimedFailure(string reason) => _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
}
