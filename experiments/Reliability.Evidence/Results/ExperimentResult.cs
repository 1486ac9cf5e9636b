using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Results;

/// <summary>
/// How an experiment ended and every hypothesis's verdict, read from its journal: the result is a view
/// of the evidence, so a journal read back gives the same result as the run that wrote it.
/// </summary>
internal sealed record ExperimentResult(ExperimentDefinition Definition, Timeline Timeline, string JournalPath, string LedgerPath)
{
    public static ExperimentResult From(ExperimentDefinition definition, IReadOnlyList<JournalEvent> events, string journalPath, string ledgerPath) =>
        new(definition, Timeline.From(events), journalPath, ledgerPath);

    /// <summary>Where it ran: "local" or "kubernetes".</summary>
    public string Target => Timeline.Of<ExperimentStarted>().FirstOrDefault()?.Driver ?? "unknown";

    public ExperimentOutcome Outcome =>
        Timeline.Of<SteadyStateNotMet>().Any() ? ExperimentOutcome.SteadyStateNotMet
        : Timeline.Of<StopConditionTripped>().Any() ? ExperimentOutcome.Stopped
        : ExperimentOutcome.Completed;

    public IReadOnlyList<Verdict> Verdicts => [.. Timeline.Of<VerdictRecorded>().Select(v => v.ToVerdict())];

    /// <summary>Every SLO of slo/specs per phase, as Prometheus measured it.</summary>
    public IReadOnlyList<PhaseSli> ServerSli => [.. Timeline.Of<SliMeasured>().Where(s => s.Source == "server")
        .Select(s => new PhaseSli(s.Phase, s.Slo ?? "", s.GoodPercent, s.BurnRate, s.BudgetSpentPercent, s.Problem))];

    /// <summary>What users saw per phase, from the load generator, with the availability budget it spent.</summary>
    public IReadOnlyList<PhaseClientSli> ClientSli => [.. Timeline.Of<SliMeasured>().Where(s => s.Source == "client")
        .Select(s => new PhaseClientSli(s.Phase, s.Iterations ?? 0, s.SuccessPercent ?? 0, s.P95Ms ?? 0, s.Slo, s.BurnRate, s.BudgetSpentPercent) { Requests = s.Requests ?? 0 })];

    public RpoResult? Rpo => Timeline.Rpo;

    public bool Passed => Outcome == ExperimentOutcome.Completed && Verdicts.Count > 0 && Verdicts.All(v => v.Status == VerdictStatus.Passed);

    /// <summary>Nothing failed, but something could not be observed: never a pass.</summary>
    public bool Inconclusive => !Passed && Outcome == ExperimentOutcome.Completed && Verdicts.All(v => v.Status != VerdictStatus.Failed);
}
