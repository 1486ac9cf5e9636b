namespace Reliability.Evidence.Journal.Events;

/// <summary>
/// A Prometheus alert became pending or firing, or resolved (gone from the alerts list). Each label set is
/// an alert of its own (two zones' HealthyHostsLow are two alerts), so its labels come with every change.
/// </summary>
internal sealed record AlertChanged(string Name, string State, DateTimeOffset? ActiveAt = null, IReadOnlyDictionary<string, string>? Labels = null) : JournalEvent
{
    /// <summary>Whether this alert carries every label <paramref name="pinned"/> names, with its value (none pinned: any).</summary>
    public bool Carries(IReadOnlyDictionary<string, string>? pinned) => AlertLabels.Match(Labels, pinned);
}

/// <summary>Alertmanager started ("active") or stopped ("gone") holding an alert (one label set) as active.</summary>
internal sealed record AlertmanagerAlertChanged(string Name, string State, IReadOnlyDictionary<string, string>? Labels = null) : JournalEvent
{
    public bool Carries(IReadOnlyDictionary<string, string>? pinned) => AlertLabels.Match(Labels, pinned);
}

/// <summary>Label sets as Prometheus tells alerts apart.</summary>
internal static class AlertLabels
{
    /// <summary>True when every pinned label is there with its value.</summary>
    public static bool Match(IReadOnlyDictionary<string, string>? labels, IReadOnlyDictionary<string, string>? pinned) =>
        pinned is null || pinned.All(p => labels is not null && labels.TryGetValue(p.Key, out var value) && value == p.Value);

    /// <summary>One alert's identity: its name and its sorted labels.</summary>
    public static string Identity(string name, IReadOnlyDictionary<string, string>? labels) =>
        labels is null ? name : $"{name}{{{string.Join(",", labels.Where(l => l.Key != "alertname").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
}

/// <summary>
/// A CloudWatch alarm changed state, as its history records it: <see cref="ChangedAt"/> is CloudWatch's own
/// timestamp of the change (the line is written when the history is read, after the run).
/// </summary>
internal sealed record AlarmChanged(string Name, string OldState, string NewState, DateTimeOffset ChangedAt, string? Reason = null) : JournalEvent;

/// <summary>A CloudWatch alarm's state when the run began, and since when CloudWatch has held it (its history may not reach back that far).</summary>
internal sealed record AlarmObserved(string Name, string State, DateTimeOffset? Since) : JournalEvent;

/// <summary>Alertmanager delivered a notification to the receiver.</summary>
internal sealed record AlertNotified(string Status, string Receiver, IReadOnlyList<NotifiedAlert> Alerts) : JournalEvent;

internal sealed record NotifiedAlert(string Name, string Status, DateTimeOffset StartsAt);
