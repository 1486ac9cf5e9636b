using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Observe.Alertmanager;
using Reliability.Observe.Prometheus;

namespace Reliability.Experiments.Observers;

/// <summary>
/// Polls Prometheus's alerts every second and journals each change: an alert becoming pending, firing,
/// or resolved (gone). A failed poll is journalled as an observation gap, so verdicts that depend on
/// alerts can be declared inconclusive instead of passing on missing data.
/// </summary>
internal sealed class AlertWatcher(PrometheusClient prometheus, AlertmanagerClient? alertmanager, TimeProvider time) : IRunObserver
{
    private readonly PrometheusClient _prometheus = prometheus;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private ExperimentJournal _journal = null!;
    // By identity (name and labels): every label set is an alert of its own.
    private readonly Dictionary<string, (string Name, IReadOnlyDictionary<string, string> Labels, string State)> _states = [];
    private readonly AlertmanagerClient? _alertmanager = alertmanager;
    private readonly Dictionary<string, (string Name, IReadOnlyDictionary<string, string> Labels)> _inAlertmanager = [];
    private bool _alertmanagerFailing;

    public string Name => "alerts";

    public Task StartAsync(ExperimentJournal journal, CancellationToken ct)
    {
        _journal = journal;
        _loop = LoopAsync(time);
        return Task.CompletedTask;
    }

    private async Task LoopAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            do
            {
                await PollAsync();
                await PollAlertmanagerAsync();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool _failing;

    private async Task PollAsync()
    {
        IReadOnlyList<PrometheusAlert> alerts;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            alerts = await _prometheus.AlertsAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or PrometheusException or TaskCanceledException or System.Text.Json.JsonException && !_stop.IsCancellationRequested)
        {
            if (!_failing)
            {
                _journal.Write(new ObservationGap("prometheus", ex.Message));
                _failing = true;
            }
            return;
        }
        if (_failing)
        {
            _journal.Write(new ObservationRestored("prometheus"));
            _failing = false;
        }
        var seen = new HashSet<string>();
        foreach (var alert in alerts)
        {
            var identity = AlertLabels.Identity(alert.Name, alert.Labels);
            seen.Add(identity);
            if (!_states.TryGetValue(identity, out var before) || before.State != alert.State)
            {
                _states[identity] = (alert.Name, alert.Labels, alert.State);
                _journal.Write(new AlertChanged(alert.Name, alert.State, alert.ActiveAt, alert.Labels));
            }
        }
        foreach (var gone in _states.Keys.Where(n => !seen.Contains(n)).ToList())
        {
            var (name, labels, _) = _states[gone];
            _states.Remove(gone);
            _journal.Write(new AlertChanged(name, "resolved", Labels: labels));
        }
    }

    /// <summary>Journals each alert Alertmanager starts or stops holding as active (reached it, not silenced or inhibited).</summary>
    private async Task PollAlertmanagerAsync()
    {
        if (_alertmanager is null)
        {
            return;
        }
        IReadOnlyList<AlertmanagerAlert> alerts;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            alerts = await _alertmanager.AlertsAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !_stop.IsCancellationRequested)
        {
            if (!_alertmanagerFailing)
            {
                _journal.Write(new ObservationGap("alertmanager", ex.Message));
                _alertmanagerFailing = true;
            }
            return;
        }
        if (_alertmanagerFailing)
        {
            _journal.Write(new ObservationRestored("alertmanager"));
            _alertmanagerFailing = false;
        }
        var active = alerts.Where(a => a.State == "active")
            .ToDictionary(a => AlertLabels.Identity(a.Name, a.Labels), a => (a.Name, a.Labels));
        foreach (var (identity, alert) in active.Where(a => !_inAlertmanager.ContainsKey(a.Key)))
        {
            _journal.Write(new AlertmanagerAlertChanged(alert.Name, "active", alert.Labels));
        }
        foreach (var (identity, alert) in _inAlertmanager.Where(a => !active.ContainsKey(a.Key)))
        {
            _journal.Write(new AlertmanagerAlertChanged(alert.Name, "gone", alert.Labels));
        }
        _inAlertmanager.Clear();
        foreach (var (identity, alert) in active)
        {
            _inAlertmanager[identity] = alert;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
