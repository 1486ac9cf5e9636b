using Reliability.Load.Thresholds;

namespace Reliability.Experiments.Definitions;

public enum Phase { Steady, Fault, Recovery }

/// <summary>An experiment file, read and checked: what to break, under which load, for how long, and what must hold.</summary>
public sealed record ExperimentDefinition(
    string File,
    string Name,
    string? Description,
    IReadOnlyList<FaultReference> Faults,
    LoadSpec Load,
    Timeline Timeline,
    Hypotheses Hypotheses,
    IReadOnlyList<StopCondition> StopConditions,
    int Seed);

/// <summary>A fault manifest named by the experiment, resolved relative to the experiment file.</summary>
public sealed record FaultReference(string Path, string FullPath, long Line, long Column);

/// <summary>The steady traffic: a scenario of the SUT at a constant arrival rate (open model) or user count (closed model).</summary>
public sealed record LoadSpec(string Scenario, double? Rate, int? Users, int MaxConcurrent, TimeSpan Timeout, TimeSpan WarmUp);

public sealed record Timeline(TimeSpan SteadyState, TimeSpan Fault, TimeSpan Recovery)
{
    public TimeSpan Total => SteadyState + Fault + Recovery;
}

public sealed record Hypotheses(
    IReadOnlyList<PhaseObjective> Objectives,
    RtoHypothesis? Rto,
    RpoHypothesis? Rpo,
    IReadOnlyList<AlertExpectation> Alerts,
    IReadOnlyList<string> QuietInSteadyState)
{
    public int Count => Objectives.Count + (Rto is null ? 0 : 1) + (Rpo is null ? 0 : 1) + Alerts.Count + (QuietInSteadyState.Count > 0 ? 1 : 0);
}

/// <summary>A client-side SLO objective over one phase, e.g. "fail_rate &lt; 5%" during the fault.</summary>
public sealed record PhaseObjective(Phase Phase, Threshold Threshold);

/// <summary>
/// Recovery time: from injection until the user-visible SLI, measured over a sliding <see cref="Window"/>,
/// meets <see cref="Sli"/> again and keeps meeting it for <see cref="StableFor"/>. Must be at most <see cref="Max"/>.
/// </summary>
public sealed record RtoHypothesis(TimeSpan Max, Threshold Sli, TimeSpan Window, TimeSpan StableFor);

/// <summary>Acknowledged writes that may be missing or stale after recovery.</summary>
public sealed record RpoHypothesis(long MaxLostWrites);

/// <summary>
/// An alert that must fire within <see cref="FiresWithin"/> of injection and, when given, resolve within
/// <see cref="ResolvesWithin"/> of recovery. Deadlines are production time; targets with compressed rule
/// timings (the embedded environment) scale them by the same factor.
/// </summary>
public sealed record AlertExpectation(string Name, TimeSpan FiresWithin, TimeSpan? ResolvesWithin);
