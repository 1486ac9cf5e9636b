using Reliability.Load.Engine;

namespace Reliability.Cli;

/// <summary>
/// When a warming environment counts as warm: the iteration p95 of each finished 1-second bucket has been
/// under <see cref="WarmP95"/>, without a failure, for <see cref="StableSeconds"/> buckets in a row.
/// </summary>
internal sealed class WarmUpRule
{
    public static readonly TimeSpan WarmP95 = TimeSpan.FromMilliseconds(250);
    public const int StableSeconds = 5;
    /// <summary>
    /// A bucket is judged this long after it began: its iterations have mostly finished by then. One still
    /// running is missing from that p95; if it then fails or is slow, the buckets after it show the same trouble.
    /// </summary>
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

    private int _stable;
    private long _lastBucket = -1;

    public TimeSpan LastP95 { get; private set; }
    public bool IsWarm => _stable >= StableSeconds;

    /// <summary>Looks at the bucket that settled by <paramref name="elapsed"/>; each bucket counts once.</summary>
    public bool Observe(RunMeasurements measurements, TimeSpan elapsed)
    {
        var settled = elapsed - Settled;
        var index = (long)Math.Floor(settled / measurements.Series.BucketWidth);
        if (settled < TimeSpan.Zero || index == _lastBucket || measurements.Series.Peek(settled) is not { Count: > 0 } bucket)
        {
            return IsWarm;
        }
        _lastBucket = index;
        LastP95 = bucket.Latency.Percentile(95);
        _stable = bucket.Failed == 0 && LastP95 < WarmP95 ? _stable + 1 : 0;
        return IsWarm;
    }
}
