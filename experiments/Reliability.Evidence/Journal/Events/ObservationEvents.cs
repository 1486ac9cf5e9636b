namespace Reliability.Evidence.Journal.Events;

/// <summary>A source of evidence (prometheus, alertmanager, kubernetes, database) stopped answering: what depends on it is inconclusive.</summary>
internal sealed record ObservationGap(string Source, string Error) : JournalEvent;

/// <summary>The source answers again; the gap is closed.</summary>
internal sealed record ObservationRestored(string Source) : JournalEvent;

/// <summary>The source answered with a warning (Prometheus's "warnings" field).</summary>
internal sealed record ObservationWarning(string Source, string Warning) : JournalEvent;
