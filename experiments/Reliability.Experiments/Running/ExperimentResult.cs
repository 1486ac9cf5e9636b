using Reliability.Experiments.Definitions;
using Reliability.Experiments.Verdicts;
using Reliability.Load.Engine;
using Reliability.Slo.Rpo;

namespace Reliability.Experiments.Running;

/// <summary>How an experiment ended, every hypothesis's verdict, and where the evidence is.</summary>
public sealed record ExperimentResult(
    ExperimentDefinition Definition,
    ExperimentOutcome Outcome,
    IReadOnlyList<Verdict> Verdicts,
    ScenarioRun? Load,
    RpoResult? Rpo,
    string JournalPath,
    string LedgerPath)
{
    /// <summary>Every SLO of slo/specs per phase, as Prometheus measured it.</summary>
    public IReadOnlyList<PhaseSli> ServerSli { get; init; } = [];

    /// <summary>What users saw per phase, from the load generator, with the availability budget it spent.</summary>
    public IReadOnlyList<PhaseClientSli> ClientSli { get; init; } = [];

    /// <summary>Every journal record, in order: what reports draw the timeline from.</summary>
    public IReadOnlyList<Journal.JournalRecord> Journal { get; init; } = [];

    /// <summary>"local" or "kubernetes".</summary>
    public string Target { get; init; } = "local";

    public bool Passed => Outcome == ExperimentOutcome.Completed && Verdicts.Count > 0 && Verdicts.All(v => v.Status == VerdictStatus.Passed);

    /// <summary>Nothing failed, but something could not be observed: never a pass.</summary>
    public bool Inconclusive => !Passed && Outcome == ExperimentOutcome.Completed && Verdicts.All(v => v.Status != VerdictStatus.Failed);
}
