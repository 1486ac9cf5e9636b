namespace Reliability.Load.Engine;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> equal shards of one run, so that the shards together
/// produce exactly the configured load. In the open model a shard takes every Count-th arrival of the one
/// schedule, starting at its index: the shares are disjoint, evenly interleaved and their union is the
/// schedule, so the total rate and its ramps are exact and no shard's arrivals bunch (k6's execution
/// segments do the same for unequal shares). Counts (users, iterations, concurrency caps) are split as
/// evenly as integers allow, the remainder going to the lowest indexes. Virtual user ids interleave the
/// same way, so they are unique across the shards of a run.
/// </summary>
internal readonly record struct ExecutionSegment(int Index, int Count)
{
    /// <summary>The whole run: one shard.</summary>
    public static readonly ExecutionSegment Whole = new(0, 1);

    public bool IsWhole => Count == 1;

    /// <summary>Problems with the segment ("2/4" is the third of four), or none.</summary>
    public IEnumerable<string> Validate()
    {
        if (Count < 1)
        {
            yield return $"the shard count must be at least 1, got {Count}";
        }
        else if (Index < 0 || Index >= Count)
        {
            yield return $"the shard index must be from 0 to {Count - 1}, got {Index}";
        }
    }

    /// <summary>The first arrival of the schedule this shard takes; it then takes every <see cref="Count"/>-th.</summary>
    public long FirstArrival => Index;

    /// <summary>This shard's share of <paramref name="total"/> users, iterations or concurrent slots.</summary>
    public int Share(int total) => total / Count + (Index < total % Count ? 1 : 0);

    /// <summary>This shard's share of a count that must stay at least 1 where the whole has any (a concurrency cap).</summary>
    public int ShareAtLeastOne(int total) => total > 0 ? Math.Max(1, Share(total)) : 0;

    /// <summary>The run-wide id of this shard's <paramref name="local"/>-th user (from 1): ids interleave across shards.</summary>
    public int UserId(int local) => (local - 1) * Count + Index + 1;

    /// <summary>A seed for this shard, derived from the run's: the same run seed gives every shard the same seed each time.</summary>
    public int Seed(int runSeed) => IsWhole ? runSeed : Mix(runSeed, Index);

    /// <summary>The seed of a virtual user's random numbers, from its shard's seed and its run-wide id.</summary>
    public static int UserSeed(int shardSeed, int userId) => Mix(shardSeed, userId);

    private static int Mix(int seed, int index)
    {
        // SplitMix-style finaliser: deterministic across processes and runtimes, unlike HashCode.
        var x = (ulong)(uint)seed << 32 | (uint)index;
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (int)(x ^ (x >> 31));
    }

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "i/N".</summary>
    public static bool TryParse(string text, out ExecutionSegment segment)
    {
        segment = Whole;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(text.AsSpan(0, slash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }
        segment = new ExecutionSegment(index, count);
        return !segment.Validate().Any();
    }
}
