using Reliability.Sut.Local.Links;

namespace Reliability.Sut.Local.Tests.Links;

public sealed class DelayShaperTests
{
    [Fact]
    public void Jitter_stays_within_plus_or_minus_its_width()
    {
        var shaper = new DelayShaper(new Random(7));
        var faults = new LinkFaults { Latency = TimeSpan.FromMilliseconds(200), Jitter = TimeSpan.FromMilliseconds(50) };
        var delays = Enumerable.Range(0, 2000).Select(_ => shaper.Next(faults, LinkDirection.Upstream).TotalMilliseconds).ToList();
        delays.Should().OnlyContain(d => d >= 150 && d <= 250);
        delays.Average().Should().BeApproximately(200, 5);
        delays.Max().Should().BeGreaterThan(240, "the spread is used, not just the mean");
    }

    [Fact]
    public void Correlation_makes_consecutive_delays_alike()
    {
        var faults = new LinkFaults { Latency = TimeSpan.FromMilliseconds(100), Jitter = TimeSpan.FromMilliseconds(50) };
        static double MeanStep(DelayShaper shaper, LinkFaults f)
        {
            var d = Enumerable.Range(0, 2000).Select(_ => shaper.Next(f, LinkDirection.Upstream).TotalMilliseconds).ToList();
            return d.Zip(d.Skip(1), (a, b) => Math.Abs(a - b)).Average();
        }
        var independent = MeanStep(new DelayShaper(new Random(1)), faults);
        var correlated = MeanStep(new DelayShaper(new Random(1)), faults with { Correlation = 90 });
        correlated.Should().BeLessThan(independent / 3);
    }

    [Fact]
    public void Consecutive_losses_back_off_like_tcp_retransmission()
    {
        var shaper = new DelayShaper(new Random(3));
        var faults = new LinkFaults { LossPercent = 100, RetransmitTimeout = TimeSpan.FromMilliseconds(200) };
        Enumerable.Range(0, 4).Select(_ => shaper.Next(faults, LinkDirection.Upstream).TotalMilliseconds)
            .Should().Equal(200, 400, 800, 1600);
    }

    [Fact]
    public void Latency_in_one_direction_leaves_the_other_alone()
    {
        var shaper = new DelayShaper(new Random(3));
        var faults = new LinkFaults { Latency = TimeSpan.FromMilliseconds(100), LatencyDirection = LinkDirection.Upstream };
        shaper.Next(faults, LinkDirection.Downstream).Should().Be(TimeSpan.Zero);
        shaper.Next(faults, LinkDirection.Upstream).Should().Be(TimeSpan.FromMilliseconds(100));
    }
}
