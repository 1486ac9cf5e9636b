using Reliability.Load.Results;
using Reliability.Load.Scenarios;
using Reliability.Load.Sharding;
using Reliability.Load.Simulations;

namespace Reliability.Cli.Commands;

internal static partial class LoadCommand
{
    /// <summary>
    /// `--target kubernetes`: the shards as an Indexed Job, coordinated from here over the API. Null when the
    /// arguments cannot work in a pod (said why); a run that could not start or complete comes back with its failure.
    /// </summary>
    private static async Task<ShardedRun?> RunOnKubernetesAsync(LoadArgs args, Scenario whole, IReadOnlyList<string> forwarded, string folder, CancellationToken ct)
    {
        if (forwarded.FirstOrDefault(a => a.Split('=')[0] is "--simulations" or "--scenarios") is { } local)
        {
            await Console.Error.WriteLineAsync($"error: {local.Split('=')[0]} names a file on this machine, which the shard pods do not have; with --target kubernetes give --rate or --users");
            return null;
        }
        TimeSpan readyWithin;
        try
        {
            readyWithin = DurationText.Parse(args.ReadyWithin);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"error: --ready-within: {ex.Message}");
            return null;
        }
        if (await KubernetesRun.ConnectAsync(args.Kubernetes!) is not { } client)
        {
            return new ShardedRun(null, [], "no Kubernetes API to create the load Job in", Interrupted: false);
        }
        using (client)
        {
            Console.WriteLine($"{args.Shards} shards as the pods of a Kubernetes Indexed Job, together: {string.Join("; ", whole.Simulations.Select(s => s.Describe()))}");
            return await new KubernetesShardedLoad(client, args.Namespace, args.Image, readyWithin, Console.Out)
                .RunAsync(forwarded, args.Shards, whole, folder, ConsoleProgress.ForConsole(), ct);
        }
    }
}
