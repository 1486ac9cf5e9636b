using Reliability.Load.Measurement;

namespace Reliability.Load.Tests.Measurement;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_come_from_recorded_values_at_three_significant_digits()
    {
        var h = new LatencyHistogram();
        for (var ms = 1; ms <= 100; ms++)
        {
            h.Record(TimeSpan.FromMilliseconds(ms));
        }
        h.Count.Should().Be(100);
        h.Percentile(50).TotalMilliseconds.Should().BeApproximately(50, 0.05);
        h.Percentile(99).TotalMilliseconds.Should().BeApproximately(99, 0.1);
        h.Max.TotalMilliseconds.Should().BeApproximately(100, 0.1);
        h.Min.TotalMilliseconds.Should().BeApproximately(1, 0.01);
    }

    [Fact]
    public void The_compact_encoding_round_trips_and_merges()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        for (var i = 0; i < 1000; i++)
        {
            a.Record(TimeSpan.FromMilliseconds(10));
            b.Record(TimeSpan.FromMilliseconds(30));
        }
        var encoded = a.Encode();
        encoded.Length.Should().BeLessThan(400, "compressed: a run's histogram must stay small in JSON (the raw counts array is tens of KiB)");
        var merged = LatencyHistogram.Decode(encoded);
        merged.Add(LatencyHistogram.Decode(b.Encode()));
        merged.Count.Should().Be(2000);
        merged.Percentile(25).TotalMilliseconds.Should().BeApproximately(10, 0.01);
        merged.Percentile(75).TotalMilliseconds.Should().BeApproximately(30, 0.03);
    }

    [Fact]
    public void Values_beyond_the_range_are_clamped_not_lost()
    {
        var h = new LatencyHistogram();
        h.Record(TimeSpan.FromMinutes(5));
        h.Record(TimeSpan.Zero);
        h.Count.Should().Be(2);
        h.Max.Should().BeCloseTo(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
    }
}
