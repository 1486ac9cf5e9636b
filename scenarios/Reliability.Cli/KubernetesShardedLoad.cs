using System.Globalization;
using System.Security.Cryptography;
using k8s;
using k8s.Autorest;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Running;
using Reliability.Load.Engine;
using Reliability.Load.Scenarios;
using Reliability.Load.Sharding;

namespace Reliability.Cli;

/// <summary>
/// A sharded load as the pods of an Indexed Job in <paramref name="ns"/>, coordinated from this process over the
/// API (<see cref="KubernetesShards"/>): for `load --target kubernetes` and for an experiment's `load.shards`
/// when it runs against a cluster. The start time is <paramref name="readyWithin"/> ahead, so that every pod can
/// be scheduled, pull its image and prepare its users before it.
/// </summary>
internal sealed class KubernetesShardedLoad(IKubernetes client, string ns, string image, TimeSpan readyWithin, TextWriter console) : IShardedLoad
{
    /// <summary>
    /// An experiment's sharded load on a cluster: in the harness's namespace, from the harness's own image when it runs in
    /// a pod (the game-day CronJob), otherwise from reliability-harness in the namespace `reliability`.
    /// </summary>
    public static async Task<KubernetesShardedLoad> ForExperimentAsync(IKubernetes client, CancellationToken ct)
    {
        var ns = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } own ? own : "reliability";
        var image = "reliability-harness";
        if (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod)
        {
            try
            {
                image = (await client.CoreV1.ReadNamespacedPodAsync(pod, ns, cancellationToken: ct)).Spec.Containers[0].Image;
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
            {
                await Console.Error.WriteLineAsync($"warning: the harness's own pod could not be read ({ex.Message}); sharded load runs {image}");
            }
        }
        return new KubernetesShardedLoad(client, ns, image, TimeSpan.FromSeconds(60), Console.Out);
    }

    /// <summary>An experiment's load: its <c>load.readyWithin</c>, when given, is the pods' time to be ready.</summary>
    public Task<ShardedRun> RunAsync(ShardedLoadRequest request, Scenario whole, ILoadProgress progress, CancellationToken kill, CancellationToken stop) =>
        (request.ReadyWithin is { } ready ? new KubernetesShardedLoad(client, ns, image, ready, console) : this)
            .RunAsync([.. LocalShardedLoad.Arguments(request)], request.Shards, whole, request.Folder, progress, kill, stop);

    /// <summary>Runs <paramref name="arguments"/> (a `load` command line without its shard, start time and output) as <paramref name="shards"/> pods.</summary>
    public async Task<ShardedRun> RunAsync(IReadOnlyList<string> arguments, int shards, Scenario whole, string folder, ILoadProgress? progress,
        CancellationToken kill, CancellationToken stop = default)
    {
        await SweepAsync(kill);
        var startAt = DateTimeOffset.UtcNow + readyWithin;
        var spec = new KubernetesLoadJobSpec(ns, $"reliability-load-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}",
            image, shards, arguments, startAt, readyWithin + whole.Duration + TimeSpan.FromMinutes(2) /* the coordinator's finish grace, and a margin */,
            RunOwner.Current().Value);
        KubernetesShards transport;
        try
        {
            // Not cancellable half-way: a Job created while Ctrl-C lands must still be known, to be deleted.
            transport = await KubernetesShards.StartAsync(client, spec, folder, console, CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or TaskCanceledException)
        {
            var reason = ex is HttpOperationException http ? $"{(int)http.Response.StatusCode} {http.Response.Content}" : ex.Message;
            return new ShardedRun(null, [], $"the load Job could not be created in {ns}: {reason}", Interrupted: false);
        }
        await using (transport)
        {
            return await new ShardCoordinator(transport, whole, TimeProvider.System, progress)
            {
                StartAt = startAt,
                ReadyTimeout = readyWithin + TimeSpan.FromSeconds(5),
            }.RunAsync(kill, stop);
        }
    }

    /// <summary>
    /// Load Jobs left by a coordinator that was killed (SIGKILL: it could not delete its Job): their owner is gone, so
    /// they are deleted before this run adds its own load to theirs. A Job whose owner cannot be checked is left alone.
    /// </summary>
    private async Task SweepAsync(CancellationToken ct)
    {
        k8s.Models.V1JobList jobs;
        try
        {
            jobs = await client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: "app.kubernetes.io/name=reliability-load", cancellationToken: ct);
        }
        catch (HttpOperationException ex)
        {
            await console.WriteLineAsync($"warning: load Jobs left by earlier runs could not be listed ({(int)ex.Response.StatusCode}); none is swept");
            return;
        }
        foreach (var job in jobs.Items)
        {
            if (job.Metadata.Annotations?.TryGetValue(KubernetesLoadJob.OwnerAnnotation, out var owner) != true
                || await new RunOwner(owner!).IsAliveAsync(client, ct) != false)
            {
                continue;
            }
            await client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, ns, new k8s.Models.V1DeleteOptions { PropagationPolicy = "Background" },
                propagationPolicy: "Background", cancellationToken: ct);
            await console.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"swept before the load: job/{job.Metadata.Name} in {ns}, left by a coordinator that is gone"));
        }
    }
}
