using System.Collections.Concurrent;
using Reliability.Load.Engine;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Xunit.Abstractions;

namespace Reliability.Load.Tests.Engine;

/// <summary>Shards of one run: disjoint, evenly interleaved shares whose union is exactly the configured load.</summary>
[Collection(TimingCollection.Name)]
public sealed class ExecutionSegmentTests(ITestOutputHelper output)
{
    [Fact]
    public void Counts_split_into_shares_that_add_up_to_the_whole_and_differ_by_at_most_one()
    {
        foreach (var shards in Enumerable.Range(1, 7))
        {
            foreach (var total in Enumerable.Range(0, 50))
            {
                var shares = Enumerable.Range(0, shards).Select(i => new ExecutionSegment(i, shards).Share(total)).ToList();
                shares.Sum().Should().Be(total, $"{total} split {shards} ways");
                (shares.Max() - shares.Min()).Should().BeLessThanOrEqualTo(1);
            }
        }
    }

    [Fact]
    public void The_shards_arrivals_of_a_ramp_are_disjoint_interleaved_and_together_the_whole_schedule()
    {
        var schedule = new ArrivalSchedule(0, [new RampStage(TimeSpan.FromSeconds(10), 200), new RampStage(TimeSpan.FromSeconds(10), 50)]);
        var whole = Arrivals(schedule, ExecutionSegment.Whole);
        var shards = Enumerable.Range(0, 3).Select(i => Arrivals(schedule, new ExecutionSegment(i, 3))).ToList();

        shards.SelectMany(s => s).Order().Should().Equal(whole, "every arrival of the schedule is some shard's, and only one's");
        foreach (var shard in shards)
        {
            // In any second, a shard's arrivals are a third of the whole's, to within one.
            foreach (var second in Enumerable.Range(0, 20))
            {
                var all = whole.Count(t => (int)t == second);
                shard.Count(t => (int)t == second).Should().BeInRange(all / 3 - 1, all / 3 + 1, $"second {second}, where the whole has {all}");
            }
        }
    }

    [Theory]
    [InlineData("0/1", true)]
    [InlineData("3/4", true)]
    [InlineData("4/4", false)]
    [InlineData("-1/4", false)]
    [InlineData("1/0", false)]
    [InlineData("1", false)]
    [InlineData("a/b", false)]
    public void A_segment_is_written_index_slash_count(string text, bool valid)
    {
        ExecutionSegment.TryParse(text, out var segment).Should().Be(valid);
        if (valid)
        {
            segment.ToString().Should().Be(text);
        }
    }

    [Fact]
    public void Each_shard_has_a_seed_of_its_own_that_is_the_same_every_time()
    {
        var seeds = Enumerable.Range(0, 8).Select(i => new ExecutionSegment(i, 8).Seed(42)).ToList();
        seeds.Should().OnlyHaveUniqueItems();
        Enumerable.Range(0, 8).Select(i => new ExecutionSegment(i, 8).Seed(42)).Should().Equal(seeds);
        ExecutionSegment.Whole.Seed(42).Should().Be(42, "an unsharded run keeps its seed");
    }

    [Fact]
    public async Task Two_shards_at_half_the_rate_each_produce_the_whole_rate_within_one_percent_with_unique_users()
    {
        await using var server = await TestServer.StartAsync();
        var users = new ConcurrentDictionary<int, int>();
        Scenario Rate() => new()
        {
            Name = "get",
            Run = ctx => { users[ctx.User.Id] = 1; return ctx.Get("get", "ok"); },
            Simulations = [new ConstantArrivalRate(1000, TimeSpan.FromSeconds(4), MaxConcurrent: 100)],
        };
        using var http = server.Client();

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(i =>
            new LoadEngine(http, TimeProvider.System) { Segment = new ExecutionSegment(i, 2) }.RunAsync(Rate())));

        // Every arrival is counted, run or dropped for want of a free user.
        var total = runs.Sum(r => r.Measurements.Scenario.Count);
        output.WriteLine($"shards: {string.Join(", ", runs.Select(r => r.Measurements.Scenario.Count))} iterations, {runs.Sum(r => r.Measurements.Dropped)} dropped; {users.Count} users");
        ((double)total).Should().BeApproximately(4000, 40, "two shards of 1,000/s for 4 s are 4,000 arrivals");
        runs.Should().OnlyContain(r => Math.Abs(r.Measurements.Scenario.Count - 2000) <= 20, "each shard takes half");
        users.Keys.Should().OnlyContain(id => id >= 1 && id <= 100, "ids interleave across the shards into one range of 100");
    }

    private static List<double> Arrivals(ArrivalSchedule schedule, ExecutionSegment segment)
    {
        var times = new List<double>();
        for (var i = segment.FirstArrival; schedule.TimeOf(i) is { } at; i += segment.Count)
        {
            times.Add(at);
        }
        return times;
    }
}
