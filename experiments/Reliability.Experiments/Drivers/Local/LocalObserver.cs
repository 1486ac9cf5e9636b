using Reliability.Experiments.Journal;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Monitoring;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// Puts what the environment does during an experiment into the journal: every supervisor event
/// (kills, exits, restarts, readiness), every change in the set of replicas the balancer finds healthy,
/// and, with Patroni, every change of primary as the router saw it, then Patroni's /cluster and /history.
/// </summary>
internal sealed class LocalObserver : IAsyncDisposable
{
    private readonly LocalEnvironment _environment;
    private readonly ExperimentJournal _journal;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;

    public LocalObserver(LocalEnvironment environment, ExperimentJournal journal, TimeProvider time)
    {
        _environment = environment;
        _journal = journal;
        environment.Supervisor.EventRecorded += OnEvent;
        if (environment.Webhook is { } webhook)
        {
            webhook.Received += OnNotification;
        }
        if (environment.Patroni is { } cluster)
        {
            cluster.PrimaryChanged += OnLeaderChange;
            _journal.Write("leader", new { primary = cluster.Primary?.Name, members = cluster.Members.Select(m => new { m.Name, m.Zone, role = m.Labels["role"], m.Timeline }) });
        }
        _polling = PollBalancerAsync(time);
    }

    private void OnLeaderChange(Reliability.Sut.Local.Database.LeaderChange change) =>
        _journal.Write("leader-change", new { from = change.From, to = change.To, timeline = change.Timeline }, change.At);

    private void OnEvent(LifecycleEvent e) =>
        _journal.Write("pod-event", new { pod = e.Pod, zone = e.Zone, @event = System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(e.Kind.ToString()), detail = e.Detail }, e.At);

    private void OnNotification(AlertNotification n) =>
        _journal.Write("alert-notification", new
        {
            status = n.Payload.Status,
            receiver = n.Payload.Receiver,
            alerts = n.Payload.Alerts.Select(a => new { name = a.AlertName, status = a.Status, startsAt = a.StartsAt }),
        }, n.ReceivedAt);

    private async Task PollBalancerAsync(TimeProvider time)
    {
        string? last = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        try
        {
            do
            {
                var healthy = _environment.LoadBalancer.HealthyTargets().Order(StringComparer.Ordinal).ToList();
                var key = string.Join(",", healthy);
                if (key != last)
                {
                    _journal.Write("lb-healthy", new { count = healthy.Count, pods = healthy });
                    last = key;
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _environment.Supervisor.EventRecorded -= OnEvent;
        if (_environment.Webhook is { } webhook)
        {
            webhook.Received -= OnNotification;
        }
        await _stop.CancelAsync();
        await _polling;
        _stop.Dispose();
        if (_environment.Patroni is { } cluster)
        {
            cluster.PrimaryChanged -= OnLeaderChange;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var (members, history) = await cluster.DescribeAsync(timeout.Token);
            _journal.Write("patroni", new { cluster = members, history });
        }
    }
}
