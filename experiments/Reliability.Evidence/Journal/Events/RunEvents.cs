using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Journal.Events;

/// <summary>The run begins: what was asked, where, and how it will be loaded.</summary>
public sealed record ExperimentStarted(string Name, string? Description, string File, string Driver, string EntryPoint, int Seed,
    PhaseSeconds Timeline, LoadSpec Load, IReadOnlyList<string> Faults) : JournalEvent;

/// <summary>The experiment's timeline in seconds.</summary>
public sealed record PhaseSeconds(double SteadyStateSeconds, double FaultSeconds, double RecoverySeconds);

/// <summary>Every selector resolved: what each leaf fault will hit (pods) and which paths it disturbs (links).</summary>
public sealed record FaultPlanned(string Text, IReadOnlyList<PlannedFaultTargets> Faults) : JournalEvent;

public sealed record PlannedFaultTargets(string Fault, string Effect, IReadOnlyList<string> Pods, IReadOnlyList<string> Links);

/// <summary>The load's warm-up was raised to the target's minimum.</summary>
public sealed record WarmUpRaised(double Seconds, string Reason) : JournalEvent;

public sealed record PhaseStarted(Phase Phase) : JournalEvent;

public sealed record PhaseEnded(Phase Phase) : JournalEvent;

/// <summary>The steady-state objectives did not hold before injection, so nothing was injected.</summary>
public sealed record SteadyStateNotMet(string Problem) : JournalEvent;

/// <summary>A stop condition was met while the fault was active; the fault was rolled back at once.</summary>
public sealed record StopConditionTripped(string Condition, double? Measured) : JournalEvent;

/// <summary>Every fault undone: at the end of the fault window, on a stop condition, or on cancellation.</summary>
public sealed record RolledBack(string Reason) : JournalEvent;

/// <summary>The run ended early: cancelled (Ctrl-C, SIGTERM) or an error.</summary>
public sealed record RunAborted(string Reason, string? Error = null) : JournalEvent;

public sealed record ExperimentEnded(ExperimentOutcome Outcome, bool Passed, bool Inconclusive) : JournalEvent;
