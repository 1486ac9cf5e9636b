namespace Reliability.Evidence.Journal.Events;

/// <summary>A source of evidence (prometheus, alertmanager, kubernetes, database) stopped answering: what depends on it is inconclusive.</summary>
public sealed record ObservationGap(string Source, string Error) : JournalEvent;

/// <summary>The source answers again; the gap is closed.</summary>
public sealed record ObservationRestored(string Source) : JournalEvent;

/// <summary>The source answered with a warning (Prometheus's "warnings" field).</summary>
public sealed record ObservationWarning(string Source, string Warning) : JournalEvent;
