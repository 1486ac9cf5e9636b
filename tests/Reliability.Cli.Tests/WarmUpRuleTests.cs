using FluentAssertions;
using Reliability.Load.Engine;

namespace Reliability.Cli.Tests;

public sealed class WarmUpRuleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static void Fill(RunMeasurements measurements, int bucket, int latencyMs, bool failed = false)
    {
        for (var i = 0; i < 20; i++)
        {
            measurements.Series.At(bucket * Second).Record(!failed, failed ? "http_503" : null, TimeSpan.FromMilliseconds(latencyMs), TimeSpan.FromMilliseconds(latencyMs));
        }
    }

    [Fact]
    public void Five_fast_settled_buckets_in_a_row_make_the_environment_warm()
    {
        var measurements = new RunMeasurements(Second);
        var rule = new WarmUpRule();
        for (var bucket = 0; bucket < 10; bucket++)
        {
            Fill(measurements, bucket, bucket < 3 ? 900 : 60);
        }
        var warmAt = Enumerable.Range(1, 12).Select(s => (Seconds: s, Warm: rule.Observe(measurements, s * Second))).First(x => x.Warm).Seconds;
        // Buckets 3..7 are fast; bucket 7 settles 2 s after it starts, at 9 s.
        warmAt.Should().Be(9);
        rule.LastP95.TotalMilliseconds.Should().BeApproximately(60, 1);
    }

    [Fact]
    public void A_failure_or_a_slow_bucket_starts_the_count_again()
    {
        var measurements = new RunMeasurements(Second);
        var rule = new WarmUpRule();
        for (var bucket = 0; bucket < 12; bucket++)
        {
            Fill(measurements, bucket, bucket == 6 ? 400 : 50, failed: bucket == 3);
        }
        var warm = Enumerable.Range(1, 13).Select(s => rule.Observe(measurements, s * Second)).ToList();
        // Bucket 3 failed and bucket 6 was slow: only buckets 7..11 make five in a row, judged at 13 s.
        warm.IndexOf(true).Should().Be(12);
    }

    [Fact]
    public void A_bucket_is_counted_once_however_often_it_is_looked_at()
    {
        var measurements = new RunMeasurements(Second);
        var rule = new WarmUpRule();
        Fill(measurements, 0, 50);
        for (var i = 0; i < 10; i++)
        {
            rule.Observe(measurements, TimeSpan.FromSeconds(2.5)).Should().BeFalse();
        }
    }

    [Fact]
    public void No_traffic_is_not_warm()
    {
        var rule = new WarmUpRule();
        var measurements = new RunMeasurements(Second);
        Enumerable.Range(1, 20).Select(s => rule.Observe(measurements, s * Second)).Should().AllBeEquivalentTo(false);
    }
}
