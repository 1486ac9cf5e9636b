using Reliability.Experiments.Definitions;
using Reliability.Experiments.Journal;
using Reliability.Experiments.Running;
using Reliability.Load.Engine;
using Reliability.Load.Measurement;
using Reliability.Slo.Rpo;
using Reliability.Slo.Rto;

namespace Reliability.Experiments.Verdicts;

/// <summary>
/// Judges every hypothesis of an experiment from its evidence: the journal (phases, injections, alerts,
/// observation gaps), the load's time series and the RPO reconciliation.
/// </summary>
public static partial class HypothesisEvaluator
{
    public static IReadOnlyList<Verdict> Evaluate(ExperimentDefinition definition, IReadOnlyList<JournalRecord> journal, ScenarioRun? load, RpoResult? rpo, RunTarget target,
        IReadOnlyList<PhaseSli>? server = null, IReadOnlyList<DateTimeOffset>? writeAcks = null)
    {
        var phases = PhaseWindows(journal);
        var injectedAt = journal.FirstOrDefault(r => r.Type == "injected")?.At;
        var verdicts = new List<Verdict>();
        foreach (var objective in definition.Hypotheses.Objectives)
        {
            verdicts.Add(Objective(objective, phases, load));
        }
        foreach (var objective in definition.Hypotheses.ServerObjectives)
        {
            verdicts.Add(Server(objective, server ?? []));
        }
        if (definition.Hypotheses.Rto is { } rto)
        {
            verdicts.Add(Rto(rto, injectedAt, phases, load, journal));
        }
        if (definition.Hypotheses.WriteRto is { } writeRto)
        {
            verdicts.Add(WriteRto(writeRto, injectedAt, phases, writeAcks));
        }
        if (definition.Hypotheses.Rpo is { } rpoHypothesis)
        {
            verdicts.Add(Rpo(rpoHypothesis, rpo, injectedAt));
        }
        var alertsObserved = target.Prometheus is not null;
        foreach (var alert in definition.Hypotheses.Alerts)
        {
            verdicts.Add(Alert(alert, alertsObserved, target.Alertmanager is not null, injectedAt, phases, journal, target.AlertTimeScale));
        }
        if (definition.Hypotheses.QuietInSteadyState.Count > 0)
        {
            verdicts.Add(Quiet(definition.Hypotheses.QuietInSteadyState, alertsObserved, phases, journal));
        }
        return verdicts;
    }

    private static Verdict Objective(PhaseObjective objective, IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> phases, ScenarioRun? load)
    {
        var name = $"{objective.Phase.ToString().ToLowerInvariant()}: {objective.Threshold.Expression}";
        if (load is null || !phases.TryGetValue(objective.Phase, out var window))
        {
            return new Verdict(name, "slo", VerdictStatus.Inconclusive, null, objective.Threshold.Expression,
                load is null ? "no load was measured" : $"the {objective.Phase.ToString().ToLowerInvariant()} phase never happened");
        }
        // Iterations intended in the last bucket before a transition are in flight when it happens
        // (a kill hits them), so each boundary after the first counts that bucket into the next phase.
        var width = load.Measurements.Series.BucketWidth;
        var from = objective.Phase == Phase.Steady ? window.Start : window.Start - width;
        var to = objective.Phase == Phase.Recovery ? window.End : window.End - width;
        var stats = LoadWindow.Merge(load.Measurements, load.StartedAt, from, to);
        var verdict = objective.Threshold.Evaluate(stats, to - from);
        var status = verdict.Problem is not null ? VerdictStatus.Inconclusive : verdict.Passed ? VerdictStatus.Passed : VerdictStatus.Failed;
        return new Verdict(name, "slo", status, Verdict.Format(objective.Threshold.Metric, verdict.Measured), objective.Threshold.Expression,
            verdict.Problem ?? $"{stats.Count} iterations intended between {from:HH:mm:ss} and {to:HH:mm:ss} ({stats.Failed} failed{Reasons(stats)}), client-side");
    }

    private static Verdict Server(ServerObjective objective, IReadOnlyList<PhaseSli> server)
    {
        var name = $"{objective.Phase.ToString().ToLowerInvariant()}: {objective.Expression}";
        var threshold = $"{objective.Operator} {objective.Percent.ToString(System.Globalization.CultureInfo.InvariantCulture)} %";
        var sli = server.FirstOrDefault(s => s.Phase == objective.Phase && s.Slo == objective.Slo);
        if (sli?.GoodPercent is not { } good)
        {
            return new Verdict(name, "sli", VerdictStatus.Inconclusive, null, threshold, sli?.Problem ?? $"the {objective.Phase.ToString().ToLowerInvariant()} phase was not measured");
        }
        return new Verdict(name, "sli", objective.Holds(good) ? VerdictStatus.Passed : VerdictStatus.Failed,
            good.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " %", threshold,
            $"server-side, from Prometheus: burn rate {sli.BurnRate:0.##}x, {sli.BudgetSpentPercent:0.####} % of a 30-day error budget spent in the phase");
    }

    private static Verdict Rto(RtoHypothesis rto, DateTimeOffset? injectedAt, IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> phases, ScenarioRun? load, IReadOnlyList<JournalRecord> journal)
    {
        var name = $"RTO ≤ {Verdict.Seconds(rto.Max)} (SLI {rto.Sli.Expression} over {Verdict.Seconds(rto.Window)}, stable {Verdict.Seconds(rto.StableFor)})";
        if (load is null || injectedAt is null || !phases.TryGetValue(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "rto", VerdictStatus.Inconclusive, null, Verdict.Seconds(rto.Max), "no injection, recovery phase or load to measure from");
        }
        var width = load.Measurements.Series.BucketWidth;
        var buckets = load.Measurements.Series.Buckets().Select(b => (load.StartedAt + b.Start, b.Stats)).ToList();
        var result = RecoveryTime.Measure(buckets, injectedAt.Value, width, rto.Window, rto.StableFor, slice =>
        {
            var merged = new OutcomeStats(2);
            foreach (var s in slice)
            {
                merged.Add(s);
            }
            return merged.Count > 0 && rto.Sli.Evaluate(merged, rto.Window).Passed;
        }, recovery.End);
        var ready = ReplicasReady(journal, injectedAt.Value);
        var evidence = result.Explanation + (ready is null ? "" : $"; {ready}");
        if (result.Rto is not { } measured)
        {
            return new Verdict(name, "rto", VerdictStatus.Failed, $"> {Verdict.Seconds(recovery.End - injectedAt.Value)}", Verdict.Seconds(rto.Max), evidence);
        }
        return new Verdict(name, "rto", measured <= rto.Max ? VerdictStatus.Passed : VerdictStatus.Failed, Verdict.Seconds(measured), Verdict.Seconds(rto.Max), evidence);
    }

    private static Verdict WriteRto(WriteRtoHypothesis hypothesis, DateTimeOffset? injectedAt, IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> phases, IReadOnlyList<DateTimeOffset>? acks)
    {
        var name = $"write RTO ≤ {Verdict.Seconds(hypothesis.Max)} (first acknowledged write after the outage)";
        if (acks is null || injectedAt is null || !phases.TryGetValue(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "rto", VerdictStatus.Inconclusive, null, Verdict.Seconds(hypothesis.Max), "no injection, recovery phase or write ledger to measure from");
        }
        if (acks.Count == 0)
        {
            return new Verdict(name, "rto", VerdictStatus.Inconclusive, "0 writes", Verdict.Seconds(hypothesis.Max), "the load acknowledged no write: use a scenario that writes (crud, write-heavy)");
        }
        var outage = WriteRecovery.Measure(acks, injectedAt.Value, recovery.End, hypothesis.Gap);
        if (!outage.Recovered)
        {
            return new Verdict(name, "rto", VerdictStatus.Failed, $"> {Verdict.Seconds(outage.Rto)}", Verdict.Seconds(hypothesis.Max),
                $"no write was acknowledged after {outage.LastAckBefore:HH:mm:ss.fff} up to the end of recovery");
        }
        var evidence = outage.Rto == TimeSpan.Zero
            ? $"acknowledgements never paused for {Verdict.Seconds(hypothesis.Gap)} or more after the injection ({acks.Count} acknowledged writes)"
            : $"last acknowledged write before the outage {outage.LastAckBefore:HH:mm:ss.fff}, first after {outage.FirstAckAfter:HH:mm:ss.fff}; injected {injectedAt:HH:mm:ss.fff}";
        return new Verdict(name, "rto", outage.Rto <= hypothesis.Max ? VerdictStatus.Passed : VerdictStatus.Failed, Verdict.Seconds(outage.Rto), Verdict.Seconds(hypothesis.Max), evidence);
    }

    private static Verdict Rpo(RpoHypothesis hypothesis, RpoResult? rpo, DateTimeOffset? injectedAt)
    {
        var name = $"RPO: at most {hypothesis.MaxLostWrites} acknowledged writes lost";
        if (rpo is null)
        {
            return new Verdict(name, "rpo", VerdictStatus.Inconclusive, null, hypothesis.MaxLostWrites.ToString(), "the database could not be reconciled");
        }
        if (rpo.Checked == 0)
        {
            return new Verdict(name, "rpo", VerdictStatus.Inconclusive, "0 checked", hypothesis.MaxLostWrites.ToString(), "no acknowledged write to check");
        }
        var window = rpo.Lost == 0 ? "" : $"; lost writes acknowledged between {rpo.FirstLostAck:HH:mm:ss.fff} and {rpo.LastLostAck:HH:mm:ss.fff} (window {Verdict.Seconds(rpo.LossWindow)}), ids {string.Join(", ", rpo.LostIds.Take(10))}";
        return new Verdict(name, "rpo", rpo.Lost <= hypothesis.MaxLostWrites ? VerdictStatus.Passed : VerdictStatus.Failed, $"{rpo.Lost} lost",
            hypothesis.MaxLostWrites.ToString(),
            $"{rpo.Checked} tasks reconciled against PostgreSQL: {rpo.Missing} missing, {rpo.Stale} stale, {rpo.Ambiguous} with an unacknowledged last write (not counted){window}");
    }

    private static string Reasons(OutcomeStats stats) =>
        stats.Failed == 0 ? "" : ": " + string.Join(", ", stats.Failures.OrderByDescending(f => f.Value).Take(4).Select(f => $"{f.Key} {f.Value}"));

    private static string? ReplicasReady(IReadOnlyList<JournalRecord> journal, DateTimeOffset injectedAt)
    {
        var hit = journal.Where(r => r.Type == "pod-event" && r.At >= injectedAt && r.Text("event") is "killed" or "held-down")
            .Select(r => r.Text("pod") ?? "").ToHashSet();
        if (hit.Count == 0)
        {
            return null;
        }
        var ready = journal.Where(r => r.Type == "pod-event" && r.Text("event") == "ready" && r.At > injectedAt && hit.Contains(r.Text("pod") ?? "")).ToList();
        var readyPods = ready.Select(r => r.Text("pod")).Distinct().Count();
        return readyPods < hit.Count
            ? $"{readyPods} of {hit.Count} hit replicas ready again"
            : $"every hit replica ready again {Verdict.Seconds(ready.Max(r => r.At) - injectedAt)} after injection";
    }

    internal static IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> PhaseWindows(IReadOnlyList<JournalRecord> journal)
    {
        var windows = new Dictionary<Phase, (DateTimeOffset, DateTimeOffset)>();
        foreach (var start in journal.Where(r => r.Type == "phase"))
        {
            var phase = Enum.Parse<Phase>(start.Text("phase")!, ignoreCase: true);
            var end = journal.FirstOrDefault(r => r.Type == "phase-end" && r.Text("phase") == start.Text("phase"));
            if (end is not null)
            {
                windows[phase] = (start.At, end.At);
            }
        }
        return windows;
    }
}
