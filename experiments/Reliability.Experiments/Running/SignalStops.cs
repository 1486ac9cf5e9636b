using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Observe.CloudWatch;

namespace Reliability.Experiments.Running;

/// <summary>
/// Stop conditions on what the target's monitoring says: an alert Alertmanager holds active, or a CloudWatch
/// alarm in ALARM (as AWS FIS stops an experiment). Both are asked every second while the fault is in; a
/// poll that fails is journalled as a gap (once until it answers again) and does not stop the run. A
/// condition that cannot be watched at all (no Alertmanager, no CloudWatch, an alarm CloudWatch does not
/// have) refuses the run before anything is injected: a safety net that cannot be seen is none.
/// </summary>
internal sealed class SignalStops(RunTarget target, TextWriter console)
{
    private bool _alertsUnobserved;
    private bool _alarmsUnobserved;

    public static bool Any(ExperimentDefinition definition) => definition.AlertStops.Count > 0 || definition.AlarmStops.Count > 0;

    /// <summary>Throws <see cref="InvalidOperationException"/> when a stop condition names something this target cannot watch.</summary>
    public async Task EnsureWatchableAsync(ExperimentDefinition definition, CancellationToken ct)
    {
        if (definition.AlertStops.Count > 0 && target.Alertmanager is null)
        {
            throw new InvalidOperationException($"stop conditions on alerts ({string.Join(", ", definition.AlertStops)}) need Alertmanager, and this target has none (--alertmanager on Kubernetes); nothing was injected");
        }
        if (definition.AlarmStops.Count == 0)
        {
            return;
        }
        if (target.CloudWatch is not { } cloudWatch)
        {
            throw new InvalidOperationException($"stop conditions on alarms ({string.Join(", ", definition.AlarmStops)}) need CloudWatch, and this target has none (AWS_REGION and credentials on Kubernetes); nothing was injected");
        }
        IReadOnlyList<MetricAlarm> alarms;
        try
        {
            alarms = await cloudWatch.DescribeAlarmsAsync([.. definition.AlarmStops.Select(a => a.Name)], ct: ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or CloudWatchException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"stop conditions on alarms cannot be watched: CloudWatch did not answer ({ex.Message}); nothing was injected", ex);
        }
        var missing = definition.AlarmStops.Where(s => alarms.All(a => a.Name != s.Name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"stop conditions name alarms CloudWatch does not have: {string.Join(", ", missing)}; nothing was injected");
        }
    }

    /// <summary>True, journalled and said, when a named alert is active in Alertmanager or a named alarm is in ALARM.</summary>
    public async Task<bool> TrippedAsync(RunContext run, CancellationToken ct) =>
        await AlertTrippedAsync(run, ct) || await AlarmTrippedAsync(run, ct);

    private async Task<bool> AlertTrippedAsync(RunContext run, CancellationToken ct)
    {
        if (run.Definition.AlertStops.Count == 0 || target.Alertmanager is not { } alertmanager)
        {
            return false;
        }
        IReadOnlyList<Reliability.Observe.Alertmanager.AlertmanagerAlert> alerts;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            alerts = await alertmanager.AlertsAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            Gap(run, ref _alertsUnobserved, "alertmanager", $"stop conditions on alerts cannot be checked: {ex.Message}");
            return false;
        }
        _alertsUnobserved = false;
        foreach (var stop in run.Definition.AlertStops)
        {
            if (alerts.Any(a => a.State == "active" && a.Name == stop.Name && AlertLabels.Match(a.Labels, stop.Labels)))
            {
                return await TripAsync(run, stop.ToString(), $"{stop} is active in Alertmanager");
            }
        }
        return false;
    }

    private async Task<bool> AlarmTrippedAsync(RunContext run, CancellationToken ct)
    {
        if (run.Definition.AlarmStops.Count == 0 || target.CloudWatch is not { } cloudWatch)
        {
            return false;
        }
        IReadOnlyList<MetricAlarm> alarms;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            alarms = await cloudWatch.DescribeAlarmsAsync([.. run.Definition.AlarmStops.Select(a => a.Name)], ct: timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or CloudWatchException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            Gap(run, ref _alarmsUnobserved, "cloudwatch", $"stop conditions on alarms cannot be checked: {ex.Message}");
            return false;
        }
        _alarmsUnobserved = false;
        foreach (var stop in run.Definition.AlarmStops)
        {
            if (alarms.FirstOrDefault(a => a.Name == stop.Name && a.State == "ALARM") is { } alarm)
            {
                return await TripAsync(run, stop.ToString(), $"{stop} is in ALARM in CloudWatch{(alarm.StateUpdated is { } at ? $" since {at:HH:mm:ss}" : "")}");
            }
        }
        return false;
    }

    private async Task<bool> TripAsync(RunContext run, string condition, string said)
    {
        run.Outcome = ExperimentOutcome.Stopped;
        run.Journal.Write(new StopConditionTripped(condition, null));
        await console.WriteLineAsync($"stop condition met: {said}; rolling back");
        return true;
    }

    private static void Gap(RunContext run, ref bool unobserved, string source, string message)
    {
        if (!unobserved)
        {
            unobserved = true;
            run.Journal.Write(new ObservationGap(source, message));
        }
    }
}
