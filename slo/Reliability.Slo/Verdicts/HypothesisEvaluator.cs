using Reliability.Evidence;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Load.Measurement;
using Reliability.Slo.Rto;

namespace Reliability.Slo.Verdicts;

/// <summary>What could be watched during the run, beyond the timeline: alerts (Prometheus), their delivery (Alertmanager), and the alert rules' time scale (1/30 locally).</summary>
internal sealed record Observation(bool Alerts, bool Delivery, double AlertTimeScale)
{
    /// <summary>Whether CloudWatch's alarm history was there to read (false: alarm verdicts are inconclusive).</summary>
    public bool Alarms { get; init; }
}

/// <summary>
/// Judges every hypothesis of an experiment from its evidence: the timeline (phases, injections, pod
/// outages, alerts, observation gaps, the load second by second, the RPO reconciliation), the server-side
/// SLIs measured per phase, and the acknowledged writes for the write RTO.
/// </summary>
internal static partial class HypothesisEvaluator
{
    public static IReadOnlyList<Verdict> Evaluate(ExperimentDefinition definition, Timeline timeline, Observation observation,
        IReadOnlyList<PhaseSli>? server = null, IReadOnlyList<DateTimeOffset>? writeAcks = null)
    {
        var verdicts = new List<Verdict>();
        foreach (var objective in definition.Hypotheses.Objectives)
        {
            verdicts.Add(Objective(objective, timeline));
        }
        foreach (var objective in definition.Hypotheses.ServerObjectives)
        {
            verdicts.Add(Server(objective, server ?? []));
        }
        if (definition.Hypotheses.Rto is { } rto)
        {
            verdicts.Add(Rto(rto, timeline));
        }
        if (definition.Hypotheses.WriteRto is { } writeRto)
        {
            verdicts.Add(WriteRto(writeRto, timeline, writeAcks));
        }
        if (definition.Hypotheses.Rpo is { } rpoHypothesis)
        {
            verdicts.AddRange(RpoVerdicts.Judge(rpoHypothesis, timeline.Rpo));
        }
        foreach (var alert in definition.Hypotheses.Alerts)
        {
            verdicts.Add(Alert(alert, observation, timeline));
        }
        if (definition.Hypotheses.QuietInSteadyState.Count > 0)
        {
            verdicts.Add(Quiet(definition.Hypotheses.QuietInSteadyState, observation.Alerts, timeline));
        }
        foreach (var alarm in definition.Hypotheses.Alarms)
        {
            verdicts.Add(Alarm(alarm, observation, timeline));
        }
        if (definition.Hypotheses.QuietAlarms.Count > 0)
        {
            verdicts.Add(QuietAlarms(definition.Hypotheses.QuietAlarms, observation.Alarms, timeline));
        }
        return verdicts;
    }

    /// <summary>
    /// The load buckets a phase's client-side measures are taken over, as a window of bucket starts. An iteration
    /// in flight when the fault arrives is hit by it, and buckets are aligned to the load's start, not to the
    /// fault: so steady state keeps only buckets that end a whole bucket before injection, and any bucket that
    /// straddles the injection or the rollback counts in the fault phase. (A two-request iteration intended a
    /// moment before an instant database loss met the loss with its second request; judged in steady state, it
    /// failed an objective the system kept.)
    /// </summary>
    public static TimeWindow LoadWindow(Phase phase, TimeWindow window, TimeSpan bucketWidth) => phase switch
    {
        Phase.Steady => new(window.Start, window.End - 2 * bucketWidth),
        Phase.Fault => new(window.Start - 2 * bucketWidth, window.End),
        _ => window,
    };

    /// <summary>When the iterations in <see cref="LoadWindow"/>'s buckets were intended, for the reader.</summary>
    public static TimeWindow Intended(Phase phase, TimeWindow buckets, TimeSpan bucketWidth) =>
        phase == Phase.Recovery ? buckets : new(buckets.Start, buckets.End + bucketWidth);

    private static Verdict Objective(PhaseObjective objective, Timeline timeline)
    {
        var name = $"{objective.Phase.ToString().ToLowerInvariant()}: {objective.Threshold.Expression}";
        if (timeline.Load is not { } load || !timeline.TryGetPhase(objective.Phase, out var window))
        {
            return new Verdict(name, "slo", VerdictStatus.Inconclusive, null, objective.Threshold.Expression,
                timeline.Load is null ? "no load was measured" : $"the {objective.Phase.ToString().ToLowerInvariant()} phase never happened");
        }
        var (from, to) = LoadWindow(objective.Phase, window, load.BucketWidth);
        var stats = load.Window(from, to);
        var intended = Intended(objective.Phase, new(from, to), load.BucketWidth);
        var verdict = objective.Threshold.Evaluate(stats, to - from);
        var status = verdict.Problem is not null ? VerdictStatus.Inconclusive : verdict.Passed ? VerdictStatus.Passed : VerdictStatus.Failed;
        return new Verdict(name, "slo", status, Verdict.Format(objective.Threshold.Metric, verdict.Measured), objective.Threshold.Expression,
            verdict.Problem ?? $"{stats.Count} iterations intended between {intended.Start:HH:mm:ss} and {intended.End:HH:mm:ss} ({stats.Failed} failed{Reasons(stats)}), client-side");
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

    private static Verdict Rto(RtoHypothesis rto, Timeline timeline)
    {
        var name = $"RTO ≤ {Verdict.Seconds(rto.Max)} (SLI {rto.Sli.Expression} over {Verdict.Seconds(rto.Window)}, stable {Verdict.Seconds(rto.StableFor)})";
        if (timeline.Load is not { } load || timeline.InjectedAt is not { } injectedAt || !timeline.TryGetPhase(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "rto", VerdictStatus.Inconclusive, null, Verdict.Seconds(rto.Max), "no injection, recovery phase or load to measure from");
        }
        var result = RecoveryTime.Measure(load.Buckets, injectedAt, load.BucketWidth, rto.Window, rto.StableFor, slice =>
        {
            var merged = new OutcomeStats(2);
            foreach (var s in slice)
            {
                merged.Add(s);
            }
            return merged.Count > 0 && rto.Sli.Evaluate(merged, rto.Window).Passed;
        }, recovery.End);
        var ready = ReplicasReady(timeline, injectedAt);
        var evidence = result.Explanation + (ready is null ? "" : $"; {ready}");
        if (result.Rto is not { } measured)
        {
            return new Verdict(name, "rto", VerdictStatus.Failed, $"> {Verdict.Seconds(recovery.End - injectedAt)}", Verdict.Seconds(rto.Max), evidence);
        }
        return new Verdict(name, "rto", measured <= rto.Max ? VerdictStatus.Passed : VerdictStatus.Failed, Verdict.Seconds(measured), Verdict.Seconds(rto.Max), evidence);
    }

    private static Verdict WriteRto(WriteRtoHypothesis hypothesis, Timeline timeline, IReadOnlyList<DateTimeOffset>? acks)
    {
        var name = $"write RTO ≤ {Verdict.Seconds(hypothesis.Max)} (first acknowledged write after the outage)";
        if (acks is null || timeline.InjectedAt is not { } injectedAt || !timeline.TryGetPhase(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "rto", VerdictStatus.Inconclusive, null, Verdict.Seconds(hypothesis.Max), "no injection, recovery phase or write ledger to measure from");
        }
        if (acks.Count == 0)
        {
            return new Verdict(name, "rto", VerdictStatus.Inconclusive, "0 writes", Verdict.Seconds(hypothesis.Max), "the load acknowledged no write: use a scenario that writes (crud, write-heavy)");
        }
        var outage = WriteRecovery.Measure(acks, injectedAt, recovery.End, hypothesis.Gap);
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

    private static string Reasons(OutcomeStats stats) =>
        stats.Failed == 0 ? "" : ": " + string.Join(", ", stats.Failures.OrderByDescending(f => f.Value).Take(4).Select(f => $"{f.Key} {f.Value}"));

    private static string? ReplicasReady(Timeline timeline, DateTimeOffset injectedAt)
    {
        var hit = timeline.Outages.Where(o => o.DownAt >= injectedAt).GroupBy(o => o.Pod).ToList();
        if (hit.Count == 0)
        {
            return null;
        }
        var ready = hit.Where(g => g.All(o => o.ReadyAt is not null)).ToList();
        return ready.Count < hit.Count
            ? $"{ready.Count} of {hit.Count} hit replicas ready again"
            : $"every hit replica ready again {Verdict.Seconds(ready.SelectMany(g => g).Max(o => o.ReadyAt!.Value) - injectedAt)} after injection";
    }
}
