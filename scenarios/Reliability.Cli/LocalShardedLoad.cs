using System.Globalization;
using Reliability.Experiments.Running;
using Reliability.Load.Engine;
using Reliability.Load.Scenarios;
using Reliability.Load.Sharding;
using Reliability.Load.Simulations;

namespace Reliability.Cli;

/// <summary>An experiment's sharded load as generator processes of this CLI on this machine, each running `load ... --shard i/N`.</summary>
internal sealed class LocalShardedLoad : IShardedLoad
{
    public async Task<ShardedRun> RunAsync(ShardedLoadRequest request, Scenario whole, ILoadProgress progress, CancellationToken kill, CancellationToken stop)
    {
        var arguments = Arguments(request);
        await using var shards = LocalShards.Start(request.Shards,
            i => [.. arguments, "--output", Path.Combine(request.Folder, "shards", $"{i}"), "--shard", $"{i}/{request.Shards}"], request.Folder);
        return await new ShardCoordinator(shards, whole, TimeProvider.System, progress).RunAsync(kill, stop);
    }

    /// <summary>The `load` command line of a shard of the request, without its shard, start time and output.</summary>
    public static IReadOnlyList<string> Arguments(ShardedLoadRequest request)
    {
        string[] model = request.Simulation switch
        {
            ConstantArrivalRate c => ["--rate", Invariant(c.Rate), "--max-concurrent", Invariant(c.MaxConcurrent), "--duration", Seconds(c.During)],
            ConstantUsers u => ["--users", Invariant(u.Users), "--duration", Seconds(u.During)],
            _ => throw new NotSupportedException($"a sharded experiment load is a constant rate or user count, not {request.Simulation.Describe()}"),
        };
        return ["load", $"{request.Target}:{request.Scenario}", "--target", request.BaseAddress.ToString(), .. model,
            "--warmup", Seconds(request.WarmUp), "--timeout", Seconds(request.Timeout), "--seed", Invariant(request.Seed)];
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
