using FluentAssertions;
using Reliability.Load.Engine;

namespace Reliability.Load.Tests.Engine;

public sealed class InlineStartsTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMicroseconds(40);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(3);

    [Fact]
    public void Occasional_slow_starts_such_as_the_first_calls_JIT_keep_starts_inline()
    {
        var starts = new InlineStarts();
        foreach (var took in new[] { Slow, Slow, Fast, Slow, Slow, Slow, Slow, Fast, Fast })
        {
            starts.Observe(took);
        }
        starts.Inline.Should().BeTrue();
    }

    [Fact]
    public void A_scenario_slow_before_its_first_await_moves_starts_to_the_thread_pool_for_good()
    {
        var starts = new InlineStarts();
        for (var i = 0; i < InlineStarts.SlowInARow; i++)
        {
            starts.Inline.Should().BeTrue();
            starts.Observe(Slow);
        }
        starts.Inline.Should().BeFalse();
        starts.Observe(Fast);
        starts.Inline.Should().BeFalse();
    }
}
