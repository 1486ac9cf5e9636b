using Reliability.Experiments.Drivers.Kubernetes;

namespace Reliability.Cli.Commands;

/// <summary>
/// `gameday --target kubernetes`, what the CronJob and the scheduled workflow run: the plan's experiments
/// against a cluster with Chaos Mesh, each with its own run label, gated by <see cref="ClusterSteadyState"/>.
/// </summary>
internal static class KubernetesGameDay
{
    public static async Task<int> RunAsync(string planPath, bool dryRun, string? output, KubernetesSettings settings, Reliability.Load.Targets.TargetCatalog targets, CancellationToken ct)
    {
        var service = KubernetesRun.ServiceUrl(settings);
        if (!dryRun && service is null)
        {
            await Console.Error.WriteLineAsync("error: --url <the service's base URL> is required with --target kubernetes");
            return ExitCodes.InvalidInput;
        }
        if (!KubernetesRun.ZonesValid(settings))
        {
            return ExitCodes.InvalidInput;
        }
        using var client = await KubernetesRun.ConnectAsync(settings);
        if (client is null)
        {
            return ExitCodes.EnvironmentError;
        }
        if (await KubernetesRun.SchemasAsync(client, ct) is not { } schemas)
        {
            return ExitCodes.EnvironmentError;
        }
        var loaded = GameDayCommand.TryLoad(planPath, strict: false, targets, out var exit, schemas);
        if (loaded is null)
        {
            return exit;
        }
        KubernetesChaosDriver Driver(Reliability.Experiments.Running.LoadedExperiment e) => settings.Driver(client, $"{e.Definition.Name}-{DateTime.UtcNow:yyyyMMddHHmmss}");
        // Every experiment is planned against the cluster first: a refused namespace or an empty selector stops the day before any fault.
        foreach (var experiment in loaded.Experiments)
        {
            if (await KubernetesRun.PlanAsync(Driver(experiment), experiment, ct) is { } refused)
            {
                return refused;
            }
        }
        if (dryRun)
        {
            Console.WriteLine($"dry run of game day {loaded.Plan.Name}: nothing was created in the cluster");
            return ExitCodes.Passed;
        }
        foreach (var experiment in loaded.Experiments)
        {
            if (PlannedOnly.Refuses(experiment) is { } onlyPlanned)
            {
                return onlyPlanned;
            }
        }
        if (await Levers.RefusesAsync(Levers.Kubernetes(client), ct))
        {
            return ExitCodes.HypothesisFailed;
        }
        using var observers = new KubernetesRun.Observers(settings);
        // The steady-state gate asks the service's /ready under its URL.
        using var serviceHttp = new HttpClient { BaseAddress = new Uri(service!.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(5) };
        var steady = new ClusterSteadyState(client, settings.AllowedNamespaces, serviceHttp, time: TimeProvider.System);
        await KubernetesRun.SweepAsync(client, settings, "before the game day");
        // An experiment's load.shards runs as the pods of a Job here too, as with run --target kubernetes.
        var shardedLoad = await KubernetesShardedLoad.ForExperimentAsync(client, ct);
        try
        {
            return await GameDayCommand.RunDayAsync(loaded, GameDayCommand.Folder(output, loaded.Plan),
                e => observers.Target(service!, Driver(e)) with { Lever = Levers.Kubernetes(client), ShardedLoad = shardedLoad }, steady.ProblemAsync, Levers.Kubernetes(client), ct);
        }
        finally
        {
            await KubernetesRun.SweepAsync(client, settings, "after the game day");
        }
    }
}
