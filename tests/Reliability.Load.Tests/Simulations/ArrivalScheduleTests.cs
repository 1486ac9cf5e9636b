using Reliability.Load.Simulations;

namespace Reliability.Load.Tests.Simulations;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void A_constant_rate_spaces_arrivals_evenly_from_time_zero()
    {
        var schedule = ArrivalSchedule.Constant(4, TimeSpan.FromSeconds(2));
        Enumerable.Range(0, 8).Select(i => schedule.TimeOf(i)).Should().Equal(0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75);
        schedule.TimeOf(8).Should().BeNull();
        schedule.ExpectedCount.Should().Be(8);
    }

    [Fact]
    public void A_linear_ramp_follows_the_integral_of_the_rate()
    {
        // 0 to 10/s over 2 s: N(t) = 2.5 t^2, so arrival i is due at sqrt(i / 2.5).
        var schedule = new ArrivalSchedule(0, [new RampStage(TimeSpan.FromSeconds(2), 10)]);
        schedule.ExpectedCount.Should().Be(10);
        foreach (var i in new[] { 1, 4, 9 })
        {
            schedule.TimeOf(i)!.Value.Should().BeApproximately(Math.Sqrt(i / 2.5), 1e-9);
        }
        schedule.RateAt(1).Should().Be(5);
    }

    [Fact]
    public void Stages_chain_from_where_the_previous_one_ended()
    {
        var schedule = new ArrivalSchedule(10, [new RampStage(TimeSpan.FromSeconds(1), 10), new RampStage(TimeSpan.FromSeconds(1), 30)]);
        schedule.ExpectedCount.Should().Be(30);
        schedule.TimeOf(10)!.Value.Should().BeApproximately(1, 1e-9);
        schedule.RateAt(1.5).Should().Be(20);
    }
}
