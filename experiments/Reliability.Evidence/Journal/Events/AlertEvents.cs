namespace Reliability.Evidence.Journal.Events;

/// <summary>A Prometheus alert became pending or firing, or resolved (gone from the alerts list).</summary>
public sealed record AlertChanged(string Name, string State, DateTimeOffset? ActiveAt = null, IReadOnlyDictionary<string, string>? Labels = null) : JournalEvent;

/// <summary>Alertmanager started ("active") or stopped ("gone") holding an alert as active.</summary>
public sealed record AlertmanagerAlertChanged(string Name, string State) : JournalEvent;

/// <summary>Alertmanager delivered a notification to the receiver.</summary>
public sealed record AlertNotified(string Status, string Receiver, IReadOnlyList<NotifiedAlert> Alerts) : JournalEvent;

public sealed record NotifiedAlert(string Name, string Status, DateTimeOffset StartsAt);
