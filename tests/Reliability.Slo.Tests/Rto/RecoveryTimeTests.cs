using Reliability.Slo.Rto;

namespace Reliability.Slo.Tests.Rto;

public sealed class RecoveryTimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recovery_is_when_the_sliding_window_meets_the_objective_and_stays_there()
    {
        // 10 good seconds, the fault at 10 s, 4 bad seconds, then good again.
        var buckets = Series(Enumerable.Range(0, 40).Select(i => i is >= 10 and < 14 ? 0.5 : 1.0));

        var result = RecoveryTime.Measure(buckets, T0.AddSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(40));

        // The 3 s window ending in second 16 is the first without a bad second: recovered at 17 s.
        result.Rto.Should().Be(TimeSpan.FromSeconds(7));
        result.FirstBadAt.Should().Be(T0.AddSeconds(10));
    }

    [Fact]
    public void A_blip_before_stability_restarts_the_clock()
    {
        var buckets = Series(Enumerable.Range(0, 40).Select(i => i is 10 or 14 ? 0.0 : 1.0));

        var result = RecoveryTime.Measure(buckets, T0.AddSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), Meets, T0.AddSeconds(40));

        result.Rto.Should().Be(TimeSpan.FromSeconds(6), "seconds 11 to 13 were good but 14 was not, so the stable stretch starts with second 15, whose window ends at 16 s");
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
