using k8s;
using k8s.Models;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// Steady state between the experiments of a game day on a cluster: every serving pod in the allowed
/// namespaces is Ready (pods of Jobs, such as the harness's own CronJob, and finished pods are ignored),
/// and the service answers /ready with 200 at its user-facing URL. Polled until a deadline, because a
/// cluster takes longer than the embedded environment to replace what the last fault took.
/// </summary>
internal sealed class ClusterSteadyState(IKubernetes client, IReadOnlyCollection<string> namespaces, HttpClient service, TimeProvider time)
{
    private readonly TimeProvider _time = time;

    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Null once steady; otherwise, at the deadline, what is still not.</summary>
    public async Task<string?> ProblemAsync(CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + Deadline;
        while (true)
        {
            var problem = await CheckOnceAsync(ct);
            if (problem is null)
            {
                return null;
            }
            if (_time.GetUtcNow() >= deadline)
            {
                return $"after {Deadline.TotalSeconds:0} s: {problem}";
            }
            await Task.Delay(PollInterval, _time, ct);
        }
    }

    private async Task<string?> CheckOnceAsync(CancellationToken ct)
    {
        var notReady = new List<string>();
        foreach (var ns in namespaces)
        {
            V1PodList pods;
            try
            {
                pods = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or k8s.Autorest.HttpOperationException)
            {
                return $"cannot list pods in {ns}: {ex.Message}";
            }
            notReady.AddRange(pods.Items.Where(Serving).Where(p => !Ready(p)).Select(p => $"{ns}/{p.Metadata.Name}"));
        }
        if (notReady.Count > 0)
        {
            return $"pods not ready: [{string.Join(", ", notReady)}]";
        }
        try
        {
            using var response = await service.GetAsync("ready", ct);
            return response.IsSuccessStatusCode ? null : $"the service's /ready answered {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return $"the service's /ready is unreachable: {ex.Message}";
        }
    }

    private static bool Serving(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed")
        && pod.Metadata.OwnerReferences?.Any(o => o.Kind == "Job") != true;

    private static bool Ready(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
