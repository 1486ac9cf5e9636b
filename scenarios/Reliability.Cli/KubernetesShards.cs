using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Reliability.Load.Sharding;

namespace Reliability.Cli;

/// <summary>
/// The shards of a sharded `load` as the pods of a Kubernetes Indexed Job (<see cref="KubernetesLoadJob"/>).
/// Everything travels over the Kubernetes API, so the coordinator runs wherever the CLI does: the start time
/// is in the Job's spec, each shard's lines are read from its pod's log (followed; on a dropped stream read
/// again from the start, the lines already seen skipped), a stop is the pod's deletion (SIGTERM: the shard
/// reports what it measured), and the end is the Job's deletion with Background propagation (the API's
/// default for Jobs orphans their pods). Lines that are not events (a runtime's message, an error) go to
/// shards/&lt;i&gt;.log in the run's folder.
/// </summary>
internal sealed class KubernetesShards : IShardTransport
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly string[] Unrecoverable = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];

    private readonly IKubernetes _client;
    private readonly KubernetesLoadJobSpec _spec;
    private readonly string _folder;
    private readonly TextWriter _console;
    private readonly Channel<(int, string?)> _lines = Channel.CreateUnbounded<(int, string?)>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _followers = [];
    private string? _uid;
    private bool _deleted;

    private KubernetesShards(IKubernetes client, KubernetesLoadJobSpec spec, string folder, TextWriter console)
    {
        _client = client;
        _spec = spec;
        _folder = folder;
        _console = console;
    }

    public int Count => _spec.Shards;

    /// <summary>Creates the Job and starts following its pods.</summary>
    public static async Task<KubernetesShards> StartAsync(IKubernetes client, KubernetesLoadJobSpec spec, string folder, TextWriter console, CancellationToken ct)
    {
        var shards = new KubernetesShards(client, spec, folder, console);
        Directory.CreateDirectory(Path.Combine(folder, "shards"));
        var job = KubernetesLoadJob.Create(spec);
        await File.WriteAllTextAsync(Path.Combine(folder, "job.yaml"), KubernetesYaml.Serialize(job), ct);
        V1Job created;
        try
        {
            created = await client.BatchV1.CreateNamespacedJobAsync(job, spec.Namespace, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or HttpOperationException { Response.StatusCode: >= HttpStatusCode.InternalServerError })
        {
            // The answer was lost, not necessarily the Job: the server may have created it. The name is this run's alone,
            // so a Job of that name is ours, and must not be left to load the service until its deadline.
            await shards.DeleteJobAsync();
            throw;
        }
        shards._uid = created.Metadata.Uid;
        console.WriteLine($"job/{spec.Name} created in {spec.Namespace}: {spec.Shards} pods of {spec.Image}, starting together at {spec.StartAt:HH:mm:ss}");
        for (var i = 0; i < spec.Shards; i++)
        {
            shards._followers.Add(shards.FollowAsync(i, shards._stopping.Token));
        }
        return shards;
    }

    public async IAsyncEnumerable<(int Shard, string? Line)> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var ended = 0;
        while (ended < Count && await _lines.Reader.WaitToReadAsync(ct))
        {
            while (_lines.Reader.TryRead(out var item))
            {
                ended += item.Item2 is null ? 1 : 0;
                yield return item;
            }
        }
    }

    /// <summary>Nothing to send: the start time is in every pod's arguments.</summary>
    public Task StartAsync(DateTimeOffset at, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Deletes every shard's pod gracefully: SIGTERM, on which a shard stops and writes its results to its log.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        foreach (var pod in await PodsAsync(ct))
        {
            try
            {
                await _client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, _spec.Namespace, cancellationToken: ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }
    }

    public Task KillAsync() => DeleteJobAsync();

    /// <summary>Deletes the Job and its pods (Background propagation: the garbage collector removes the pods).</summary>
    private async Task DeleteJobAsync()
    {
        if (_deleted)
        {
            return;
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _client.BatchV1.DeleteNamespacedJobAsync(_spec.Name, _spec.Namespace, new V1DeleteOptions { PropagationPolicy = "Background" },
                propagationPolicy: "Background", cancellationToken: deadline.Token);
            _deleted = true;
            await _console.WriteLineAsync($"job/{_spec.Name} deleted (propagationPolicy Background: its pods go with it)");
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            _deleted = true;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: job/{_spec.Name} in {_spec.Namespace} could not be deleted ({ex.Message}); "
                + $"delete it with: kubectl delete job {_spec.Name} -n {_spec.Namespace} --cascade=background");
        }
    }

    private async Task<IList<V1Pod>> PodsAsync(CancellationToken ct) =>
        (await _client.CoreV1.ListNamespacedPodAsync(_spec.Namespace, labelSelector: $"{KubernetesLoadJob.ControllerUidLabel}={_uid}", cancellationToken: ct)).Items;

    /// <summary>
    /// One shard: waits for its pod, follows its log to the end (again from the start if the stream drops while the
    /// container runs), and ends its lines with null once the container has terminated or the pod is gone.
    /// </summary>
    private async Task FollowAsync(int index, CancellationToken ct)
    {
        var seen = 0;
        await using var other = new StreamWriter(Path.Combine(_folder, "shards", $"{index}.log"));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var pod = (await PodsAsync(ct)).FirstOrDefault(p => p.Metadata.Annotations?.TryGetValue(KubernetesLoadJob.IndexAnnotation, out var i) == true && i == $"{index}");
                if (pod is null || pod.Spec.NodeName is null || Waiting(pod) is "ContainerCreating" or "PodInitializing")
                {
                    await Task.Delay(Poll, ct);
                    continue;
                }
                if (Waiting(pod) is { } reason && Unrecoverable.Contains(reason))
                {
                    await _lines.Writer.WriteAsync((index, new ShardFailed(index, $"pod {pod.Metadata.Name} cannot start: {reason}").ToLine()), ct);
                    break;
                }
                try
                {
                    await using var log = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, _spec.Namespace, container: KubernetesLoadJob.Container,
                        follow: true, cancellationToken: ct);
                    using var reader = new StreamReader(log);
                    var line = 0;
                    while (await reader.ReadLineAsync(ct) is { } text)
                    {
                        if (line++ < seen)
                        {
                            continue;
                        }
                        seen++;
                        if (ShardEvent.Parse(text) is null)
                        {
                            await other.WriteLineAsync(text);
                            await other.FlushAsync(ct);
                            continue;
                        }
                        await _lines.Writer.WriteAsync((index, text), ct);
                    }
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
                {
                    // Waiting to start (400), or gone (404): what the pod says next decides.
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    // The stream dropped: read the pod again.
                }
                if (await EndedAsync(pod.Metadata.Name, ct))
                {
                    break;
                }
                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await _lines.Writer.WriteAsync((index, null), CancellationToken.None);
    }

    private async Task<bool> EndedAsync(string pod, CancellationToken ct)
    {
        try
        {
            var read = await _client.CoreV1.ReadNamespacedPodAsync(pod, _spec.Namespace, cancellationToken: ct);
            return read.Status?.Phase is "Succeeded" or "Failed" || read.Status?.ContainerStatuses?.Any(c => c.State?.Terminated is not null) == true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
    }

    private static string? Waiting(V1Pod pod) => pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason
        ?? (pod.Status?.ContainerStatuses is null or { Count: 0 } && pod.Status?.Phase == "Pending" ? "ContainerCreating" : null);

    /// <summary>Stops following and deletes the Job (and with it every pod), whatever happened.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_followers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
        await DeleteJobAsync();
        _stopping.Dispose();
    }
}
