using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Monitoring;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Experiments.Observers;

/// <summary>
/// Puts what the environment does during an experiment into the journal: every supervisor event
/// (kills, exits, restarts, readiness), every change in the set of replicas the balancer finds healthy,
/// and, with Patroni, every change of primary as the router saw it and every backup taken, then Patroni's /cluster and /history.
/// </summary>
internal sealed class LocalObserver(LocalEnvironment environment, TimeProvider time) : IRunObserver
{
    /// <summary>How long the end of a run may wait for Patroni's own record.</summary>
    private static readonly TimeSpan DescribeBudget = TimeSpan.FromSeconds(5);

    private readonly LocalEnvironment _environment = environment;
    private readonly CancellationTokenSource _stop = new();
    private ExperimentJournal _journal = null!;
    private Task _polling = Task.CompletedTask;

    public string Name => "local environment";

    public Task StartAsync(ExperimentJournal journal, CancellationToken ct)
    {
        _journal = journal;
        _environment.Supervisor.EventRecorded += OnEvent;
        if (_environment.Webhook is { } webhook)
        {
            webhook.Received += OnNotification;
        }
        if (_environment.Patroni is { } cluster)
        {
            cluster.PrimaryChanged += OnLeaderChange;
            if (cluster.Backups is { } backups)
            {
                backups.Taken += OnBackup;
            }
            _journal.Write(new LeaderObserved(cluster.Primary?.Name, [.. cluster.Members.Select(m => new DatabaseMember(m.Name, m.Zone, m.Labels["role"], m.Timeline))]));
        }
        _polling = PollBalancerAsync();
        return Task.CompletedTask;
    }

    private void OnLeaderChange(Reliability.Sut.Local.Database.LeaderChange change) =>
        _journal.Write(new LeaderChanged(change.From, change.To, change.Timeline, change.Reason) { At = change.At });

    private void OnBackup(Reliability.Sut.Local.Database.Backups.BackupSet set) =>
        _journal.Write(new BackupTaken(set.Label, Reliability.Sut.Local.Database.Backups.PgBackRest.TypeOption(set.Type), set.Started, set.Stopped, set.Size));

    private void OnEvent(LifecycleEvent e) =>
        _journal.Write(new PodEvent(e.Pod, System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(e.Kind.ToString()), Zone: e.Zone, Detail: e.Detail) { At = e.At });

    private void OnNotification(AlertNotification n) =>
        _journal.Write(new AlertNotified(n.Payload.Status, n.Payload.Receiver,
            [.. n.Payload.Alerts.Select(a => new NotifiedAlert(a.AlertName, a.Status, a.StartsAt))]) { At = n.ReceivedAt });

    private async Task PollBalancerAsync()
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
                    _journal.Write(new BalancerHealthChanged(healthy.Count, healthy));
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
            if (cluster.Backups is { } backups)
            {
                backups.Taken -= OnBackup;
            }
            using var timeout = new CancellationTokenSource(DescribeBudget, time);
            try
            {
                // Each request has the cluster's short HTTP timeout, so members that do not answer give nulls, not an exception.
                var (members, history) = await cluster.DescribeAsync(timeout.Token);
                _journal.Write<JournalEvent>(members is null || history is null
                    ? new ObservationGap("patroni", "no member answered GET /cluster and /history")
                    : new PatroniDescribed(members, history));
            }
            catch (OperationCanceledException)
            {
                _journal.Write(new ObservationGap("patroni", $"GET /cluster and /history did not answer within {DescribeBudget.TotalSeconds:0} s"));
            }
        }
    }
}
