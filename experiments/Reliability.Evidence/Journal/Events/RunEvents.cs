using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Journal.Events;

/// <summary>The run begins: what was asked, where, and how it will be loaded.</summary>
internal sealed record ExperimentStarted(string Name, string? Description, string File, string Driver, string EntryPoint, int Seed,
    PhaseSeconds Timeline, LoadSpec Load, IReadOnlyList<string> Faults) : JournalEvent;

/// <summary>The experiment's timeline in seconds.</summary>
internal sealed record PhaseSeconds(double SteadyStateSeconds, double FaultSeconds, double RecoverySeconds);

/// <summary>Every selector resolved: what each leaf fault will hit (pods) and which paths it disturbs (links).</summary>
internal sealed record FaultPlanned(string Text, IReadOnlyList<PlannedFaultTargets> Faults) : JournalEvent;

internal sealed record PlannedFaultTargets(string Fault, string Effect, IReadOnlyList<string> Pods, IReadOnlyList<string> Links);

/// <summary>The load's warm-up was raised to the target's minimum.</summary>
internal sealed record WarmUpRaised(double Seconds, string Reason) : JournalEvent;

internal sealed record PhaseStarted(Phase Phase) : JournalEvent;

internal sealed record PhaseEnded(Phase Phase) : JournalEvent;

/// <summary>The steady-state objectives did not hold before injection, so nothing was injected.</summary>
internal sealed record SteadyStateNotMet(string Problem) : JournalEvent;

/// <summary>A stop condition was met while the fault was active; the fault was rolled back at once.</summary>
internal sealed record StopConditionTripped(string Condition, double? Measured) : JournalEvent;

/// <summary>Every fault undone: at the end of the fault window, on a stop condition, or on cancellation.</summary>
internal sealed record RolledBack(string Reason) : JournalEvent;

/// <summary>The run ended early: cancelled (Ctrl-C, SIGTERM) or an error.</summary>
internal sealed record RunAborted(string Reason, string? Error = null) : JournalEvent;

internal sealed record ExperimentEnded(ExperimentOutcome Outcome, bool Passed, bool Inconclusive) : JournalEvent;
