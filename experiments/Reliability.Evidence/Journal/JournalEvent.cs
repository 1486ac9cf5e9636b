using System.Text.Json.Serialization;
using Reliability.Evidence.Journal.Events;

namespace Reliability.Evidence.Journal;

/// <summary>
/// One line of journal.jsonl: the closed set of everything an experiment records, each a sealed record
/// under a "type" discriminator, with the schema version "v" and the time "at" (UTC, ISO 8601) on every
/// line, so that a line read alone is understood. reports/schema/journal-v1.schema.json documents them.
/// A new kind of evidence is a new record here and one line below.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
// The run
[JsonDerivedType(typeof(ExperimentStarted), "experiment")]
[JsonDerivedType(typeof(FaultPlanned), "plan")]
[JsonDerivedType(typeof(WarmUpRaised), "warm-up")]
[JsonDerivedType(typeof(PhaseStarted), "phase")]
[JsonDerivedType(typeof(PhaseEnded), "phase-end")]
[JsonDerivedType(typeof(SteadyStateNotMet), "steady-state-not-met")]
[JsonDerivedType(typeof(StopConditionTripped), "stop-condition")]
[JsonDerivedType(typeof(RolledBack), "rollback")]
[JsonDerivedType(typeof(RunAborted), "aborted")]
[JsonDerivedType(typeof(ExperimentEnded), "experiment-end")]
// Faults
[JsonDerivedType(typeof(ChaosObjectCreated), "created")]
[JsonDerivedType(typeof(FaultInjected), "injected")]
[JsonDerivedType(typeof(FaultRecovered), "recovered")]
[JsonDerivedType(typeof(RollbackFailed), "rollback-failed")]
[JsonDerivedType(typeof(LinkChanged), "link")]
// The target
[JsonDerivedType(typeof(PodEvent), "pod-event")]
[JsonDerivedType(typeof(BalancerHealthChanged), "lb-healthy")]
[JsonDerivedType(typeof(LeaderObserved), "leader")]
[JsonDerivedType(typeof(LeaderChanged), "leader-change")]
[JsonDerivedType(typeof(PatroniDescribed), "patroni")]
// Backups and the runbook
[JsonDerivedType(typeof(BackupTaken), "backup")]
[JsonDerivedType(typeof(DatabaseDestroyed), "database-destroyed")]
[JsonDerivedType(typeof(RunbookStepStarted), "runbook-step")]
[JsonDerivedType(typeof(RunbookStepEnded), "runbook-step-end")]
[JsonDerivedType(typeof(RestorePointReached), "restore-point")]
// Alerts and alarms
[JsonDerivedType(typeof(AlertChanged), "alert")]
[JsonDerivedType(typeof(AlertmanagerAlertChanged), "alertmanager-alert")]
[JsonDerivedType(typeof(AlertNotified), "alert-notification")]
[JsonDerivedType(typeof(AlarmChanged), "alarm")]
[JsonDerivedType(typeof(AlarmObserved), "alarm-state")]
// Observation
[JsonDerivedType(typeof(ObservationGap), "observation-gap")]
[JsonDerivedType(typeof(ObservationRestored), "observation-restored")]
[JsonDerivedType(typeof(ObservationWarning), "observation-warning")]
// Load
[JsonDerivedType(typeof(LoadStarted), "load-started")]
[JsonDerivedType(typeof(LoadSecond), "load")]
[JsonDerivedType(typeof(LoadSeries), "load-series")]
[JsonDerivedType(typeof(LoadSummary), "load-summary")]
// Judgement
[JsonDerivedType(typeof(RpoReconciled), "rpo")]
[JsonDerivedType(typeof(SliMeasured), "sli")]
[JsonDerivedType(typeof(VerdictRecorded), "verdict")]
internal abstract record JournalEvent
{
    /// <summary>The journal schema's version, written on every line.</summary>
    public const int SchemaVersion = 1;

    [JsonPropertyName("v"), JsonPropertyOrder(-2)]
    public int Version { get; init; } = SchemaVersion;

    /// <summary>When it happened; the journal stamps the current time on an event written without one.</summary>
    [JsonPropertyOrder(-1)]
    public DateTimeOffset At { get; init; }
}
