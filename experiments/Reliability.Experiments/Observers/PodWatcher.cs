using k8s;
using k8s.Models;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;

namespace Reliability.Experiments.Observers;

/// <summary>
/// Watches the pods of the allowed namespaces and journals what an SRE looks for during a fault: pods
/// added and deleted, readiness changes and container restarts.
/// </summary>
internal sealed class PodWatcher(IKubernetes client, IReadOnlyCollection<string> namespaces) : IRunObserver
{
    private readonly CancellationTokenSource _stop = new();
    private Task[] _watches = [];
    private readonly Dictionary<string, (bool Ready, int Restarts)> _seen = [];
    private readonly Lock _gate = new();

    public string Name => "pods";

    public Task StartAsync(ExperimentJournal journal, CancellationToken ct)
    {
        _watches = [.. namespaces.Select(ns => WatchAsync(client, ns, journal))];
        return Task.CompletedTask;
    }

    private async Task WatchAsync(IKubernetes client, string ns, ExperimentJournal journal)
    {
        try
        {
            var events = client.CoreV1.WatchListNamespacedPodAsync(ns,
                onError: ex => journal.Write(new ObservationGap("kubernetes", ex.Message)), cancellationToken: _stop.Token);
            await foreach (var (type, pod) in events)
            {
                Record(journal, ns, type, pod);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            if (!_stop.IsCancellationRequested)
            {
                journal.Write(new ObservationGap("kubernetes", ex.Message));
            }
        }
    }

    private void Record(ExperimentJournal journal, string ns, WatchEventType type, V1Pod pod)
    {
        var name = pod.Metadata.Name;
        var ready = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false;
        var restarts = pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;
        string? change;
        lock (_gate)
        {
            var known = _seen.TryGetValue(name, out var before);
            change = type switch
            {
                WatchEventType.Deleted => "deleted",
                _ when !known => type == WatchEventType.Added ? "added" : "seen",
                _ when restarts > before.Restarts => "restarted",
                _ when ready != before.Ready => ready ? "ready" : "not-ready",
                _ => null,
            };
            if (type == WatchEventType.Deleted)
            {
                _seen.Remove(name);
            }
            else
            {
                _seen[name] = (ready, restarts);
            }
        }
        if (change is not null)
        {
            journal.Write(new PodEvent(name, change, Namespace: ns, Ready: ready, Restarts: restarts, Node: pod.Spec?.NodeName));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watches);
        _stop.Dispose();
    }
}
