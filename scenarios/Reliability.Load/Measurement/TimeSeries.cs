using System.Collections.Concurrent;

namespace Reliability.Load.Measurement;

/// <summary>
/// Outcomes in fixed buckets (1 s by default) keyed by the iteration's intended start, i.e. the moment
/// the user wanted service: experiments read from it when errors started and stopped. Bucket latency
/// histograms keep 2 significant digits to stay small over long runs.
/// </summary>
public sealed class TimeSeries(TimeSpan bucketWidth)
{
    /// <summary>Significant digits of each bucket's latency histogram.</summary>
    public const int BucketDigits = 2;

    private readonly ConcurrentDictionary<long, OutcomeStats> _buckets = new();

    public TimeSpan BucketWidth { get; } = bucketWidth;

    public OutcomeStats At(TimeSpan sinceStart) =>
        _buckets.GetOrAdd((long)Math.Floor(sinceStart / BucketWidth), _ => new OutcomeStats(significantDigits: BucketDigits));

    /// <summary>The bucket holding <paramref name="sinceStart"/>, without creating it.</summary>
    public OutcomeStats? Peek(TimeSpan sinceStart) => _buckets.GetValueOrDefault((long)Math.Floor(sinceStart / BucketWidth));

    // ConcurrentDictionary.ToArray takes a consistent snapshot; LINQ over the dictionary copies it through
    // ICollection.CopyTo, which throws when a bucket is added mid-copy (it did, during a live run).
    public IReadOnlyList<(TimeSpan Start, OutcomeStats Stats)> Buckets() =>
        _buckets.ToArray().OrderBy(kv => kv.Key).Select(kv => (BucketWidth * kv.Key, kv.Value)).ToList();
}
