using Reliability.Load.Engine;
using Reliability.Load.Scenarios;

namespace Reliability.Load.Tests.Engine;

/// <summary>Random numbers in a sharded run: each shard its own seed, each user its own sequence, the same on every run.</summary>
public sealed class VirtualUserSeedTests
{
    private static readonly Scenario Scenario = new() { Name = "s", Run = _ => Task.CompletedTask };

    [Fact]
    public async Task Each_shard_and_each_user_draw_their_own_numbers_and_the_same_ones_on_every_run_with_the_same_seed()
    {
        var first = await DrawsAsync(new ExecutionSegment(0, 2), seed: 42);
        var again = await DrawsAsync(new ExecutionSegment(0, 2), seed: 42);
        var other = await DrawsAsync(new ExecutionSegment(1, 2), seed: 42);
        var reseeded = await DrawsAsync(new ExecutionSegment(0, 2), seed: 43);

        again.Should().Equal(first, "the same seed, shard and users draw the same numbers");
        first.Keys.Should().NotIntersectWith(other.Keys, "user ids interleave across shards");
        first.Values.Concat(other.Values).Should().OnlyHaveUniqueItems("no two users of the run draw the same sequence");
        reseeded.Values.Should().NotIntersectWith(first.Values, "another seed, other numbers");
        new ExecutionSegment(0, 2).Seed(42).Should().NotBe(new ExecutionSegment(1, 2).Seed(42), "each shard has its own seed");
    }

    private static async Task<Dictionary<int, long>> DrawsAsync(ExecutionSegment segment, int seed)
    {
        using var http = new HttpClient();
        using var pool = await VirtualUserPool.CreateAsync(4, Scenario with { Seed = seed }, http, CancellationToken.None, segment);
        var draws = new Dictionary<int, long>();
        while (pool.TryRent(out var user))
        {
            draws[user.Id] = user.Random.NextInt64();
        }
        return draws;
    }
}
