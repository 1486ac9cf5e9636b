using Reliability.Slo.Rto;

namespace Reliability.Slo.Tests.Rto;

public sealed class WriteRecoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static IEnumerable<DateTimeOffset> Every(double fromSeconds, double toSeconds, double step)
    {
        var count = (int)Math.Round((toSeconds - fromSeconds) / step);
        for (var i = 0; i <= count; i++)
        {
            yield return T0.AddSeconds(fromSeconds + i * step);
        }
    }

    [Fact]
    public void A_failover_pause_gives_the_time_from_injection_to_the_first_write_after_it()
    {
        var acks = Every(0, 20, 0.1).Concat(Every(30.9, 50, 0.1));

        var outage = WriteRecovery.Measure(acks, T0.AddSeconds(20.05), T0.AddSeconds(60), TimeSpan.FromSeconds(1));

        outage.Rto.TotalSeconds.Should().BeApproximately(10.85, 0.01);
        outage.LastAckBefore.Should().BeCloseTo(T0.AddSeconds(20), TimeSpan.FromMilliseconds(5));
        outage.FirstAckAfter.Should().BeCloseTo(T0.AddSeconds(30.9), TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public void Steady_acknowledgements_through_the_fault_are_no_outage()
    {
        var outage = WriteRecovery.Measure(Every(0, 50, 0.1), T0.AddSeconds(20), T0.AddSeconds(60), TimeSpan.FromSeconds(1));

        outage.Rto.Should().Be(TimeSpan.Zero);
        outage.Recovered.Should().BeTrue();
    }

    [Fact]
    public void Writes_that_never_come_back_are_not_recovered_and_the_rto_runs_to_the_end()
    {
        var outage = WriteRecovery.Measure(Every(0, 20, 0.1), T0.AddSeconds(20.05), T0.AddSeconds(60), TimeSpan.FromSeconds(1));

        outage.Recovered.Should().BeFalse();
        outage.Rto.TotalSeconds.Should().BeApproximately(39.95, 0.01);
    }

    [Fact]
    public void The_longest_pause_counts_when_writes_stutter_before_they_stop()
    {
        var acks = Every(0, 20, 0.1).Concat([T0.AddSeconds(22)]).Concat(Every(35, 50, 0.1));

        var outage = WriteRecovery.Measure(acks, T0.AddSeconds(20.05), T0.AddSeconds(60), TimeSpan.FromSeconds(1));

        outage.FirstAckAfter.Should().BeCloseTo(T0.AddSeconds(35), TimeSpan.FromMilliseconds(5));
        outage.Rto.TotalSeconds.Should().BeApproximately(14.95, 0.01);
    }
}
