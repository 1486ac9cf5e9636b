namespace Reliability.Evidence.Journal.Events;

/// <summary>A backup the target's repository completed (pgBackRest's label, full|diff|incr, its start and stop, its size in bytes).</summary>
internal sealed record BackupTaken(string Label, string BackupType, DateTimeOffset Started, DateTimeOffset Stopped, long Size) : JournalEvent;

/// <summary>The whole database lost: its members and their data, and the archived WAL lost with them (as when archiving lags).</summary>
internal sealed record DatabaseDestroyed(IReadOnlyList<string> Members, int ArchivedWalFilesLost, DateTimeOffset? NewestArchivedWalKept) : JournalEvent;

/// <summary>A runbook step began: its place in the runbook (from 1), its action and what it does.</summary>
internal sealed record RunbookStepStarted(int Step, string Action, string Description) : JournalEvent;

/// <summary>A runbook step ended, with how long it took and what it did, or why it failed.</summary>
internal sealed record RunbookStepEnded(int Step, string Action, double Seconds, bool Succeeded, string? Detail = null) : JournalEvent;

/// <summary>
/// Where a restore brought the database back to: the restore point is the commit time of the last
/// transaction PostgreSQL replayed (its own log line), which bounds the data lost; with the backup set
/// restored and the new timeline.
/// </summary>
internal sealed record RestorePointReached(string Member, string Target, string? BackupSet, DateTimeOffset? RestorePoint, int? Timeline) : JournalEvent;
