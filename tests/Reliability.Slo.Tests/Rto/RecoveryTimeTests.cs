using Reliability.Slo.Rto;

namespace Reliability.Slo.Tests.Rto;

public sealed class RecoveryTimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recovery_is_the_start_of_the_first_second_from_which_the_objective_is_met_and_stays_met()
    {
        // 10 good seconds, the fault at 10 s, 4 bad seconds, then good again.
        var buckets = Series(Enumerable.Range(0, 40).Select(i => i is >= 10 and < 14 ? 0.5 : 1.0));

        var result = RecoveryTime.Measure(buckets, T0.AddSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(40));

        // Service came back with second 14; the 3 s windows that still held bad seconds do not delay it.
        result.Rto.Should().Be(TimeSpan.FromSeconds(4));
        result.RecoveredAt.Should().Be(T0.AddSeconds(14));
        result.FirstBadAt.Should().Be(T0.AddSeconds(10));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(10.0)]
    [InlineData(11.7)]
    public void An_outage_held_for_a_known_time_reads_back_within_one_bucket_of_it(double outageSeconds)
    {
        // Every request fails from the injection (at 20 s) until the outage ends, part-way through a second if so.
        var end = 20 + outageSeconds;
        var buckets = Enumerable.Range(0, 60).Select(i =>
        {
            var bad = Math.Clamp(Math.Min(i + 1, end) - Math.Max(i, 20), 0, 1);
            return (T0.AddSeconds(i), ((long)Math.Round((1 - bad) * 100), 100L));
        }).ToList();

        var result = RecoveryTime.Measure(buckets, T0.AddSeconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(60));

        result.Rto!.Value.TotalSeconds.Should().BeInRange(outageSeconds, outageSeconds + 1, "recovery is read at the start of the first good second, never a window later");
    }

    [Fact]
    public void A_blip_before_stability_restarts_the_clock()
    {
        var buckets = Series(Enumerable.Range(0, 40).Select(i => i is 10 or 14 ? 0.0 : 1.0));

        var result = RecoveryTime.Measure(buckets, T0.AddSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(40));

        result.Rto.Should().Be(TimeSpan.FromSeconds(5), "seconds 11 to 13 were good but 14 was not, so the stable stretch starts with second 15");
    }

    [Fact]
    public void No_impact_is_an_RTO_of_zero_and_no_recovery_is_none()
    {
        var fine = RecoveryTime.Measure(Series(Enumerable.Repeat(1.0, 20)), T0.AddSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(20));
        var never = RecoveryTime.Measure(Series(Enumerable.Range(0, 20).Select(i => i < 5 ? 1.0 : 0.0)), T0.AddSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(20));

        fine.Rto.Should().Be(TimeSpan.Zero);
        never.Rto.Should().BeNull();
        never.Explanation.Should().Contain("did not return");
    }

    private static bool Meets(IReadOnlyList<(long Good, long Total)> window) =>
        window.Sum(w => w.Total) > 0 && (double)window.Sum(w => w.Good) / window.Sum(w => w.Total) >= 0.99;

    private static List<(DateTimeOffset, (long, long))> Series(IEnumerable<double> ratios) =>
        ratios.Select((r, i) => (T0.AddSeconds(i), ((long)(r * 100), 100L))).ToList();
}
