using System.Text.Json;
using Reliability.Evidence;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;

namespace Reliability.Reports.Model;

/// <summary>Builds the result model from a finished experiment: its verdicts and its timeline.</summary>
internal static class ResultBuilder
{
    public static ResultModel From(ExperimentResult result)
    {
        var timeline = result.Timeline;
        var phases = timeline.Phases.OrderBy(p => p.Value.Start).Select(p => new PhaseWindow(Name(p.Key), p.Value.Start, p.Value.End)).ToList();
        var injections = timeline.Faults.Select(f => new Injection(f.Fault, f.Kind, f.Action, f.InjectedAt, f.RecoveredAt, f.Pods, f.Links)).ToList();
        var alerts = timeline.Of<AlertChanged>().Select(a => new AlertTransition(a.Name, a.State, a.At))
            .Concat(timeline.Of<AlertNotified>().SelectMany(n => n.Alerts.Select(a => new AlertTransition(a.Name, $"delivered-{a.Status}", n.At))))
            .OrderBy(a => a.At).ToList();
        var sli = result.ClientSli.Select(c => new SliModel("client", Name(c.Phase), c.Slo ?? "success", c.SuccessPercent, c.BurnRate, c.BudgetSpentPercent, null))
            .Concat(result.ServerSli.Select(s => new SliModel("server", Name(s.Phase), s.Slo, s.GoodPercent, s.BurnRate, s.BudgetSpentPercent, s.Problem))).ToList();
        return new ResultModel(ResultModel.Version,
            new ExperimentInfo(result.Definition.Name, result.Definition.Description, result.Definition.File, result.Definition.Seed),
            result.Target, JsonNamingPolicy.KebabCaseLower.ConvertName(result.Outcome.ToString()), result.Passed, result.Inconclusive,
            phases, injections,
            [.. result.Verdicts.Select(v => new VerdictModel(v.Hypothesis, v.Kind, v.Status.ToString().ToLowerInvariant(), v.Measured, v.Threshold, v.Evidence))],
            result.Rpo is { } rpo ? new RpoModel(rpo.Checked, rpo.Lost, rpo.Missing, rpo.Stale, rpo.Ambiguous, rpo.LossWindow.TotalSeconds) : null,
            alerts, sli, Load(timeline.Load))
        {
            Runbook = Runbook(timeline),
        };
    }

    private static RunbookModel? Runbook(Evidence.Timeline timeline)
    {
        var started = timeline.Of<RunbookStepStarted>().ToList();
        if (started.Count == 0)
        {
            return null;
        }
        var ended = timeline.Of<RunbookStepEnded>().ToDictionary(e => e.Step);
        var point = timeline.Of<RestorePointReached>().LastOrDefault();
        return new RunbookModel(
            [.. started.Select(s => ended.GetValueOrDefault(s.Step) is { } e
                ? new RunbookStepModel(s.Step, s.Action, s.Description, s.At, e.Seconds, e.Succeeded, e.Detail)
                : new RunbookStepModel(s.Step, s.Action, s.Description, s.At, null, null, null))],
            point is null ? null : new RestorePointModel(point.Member, point.Target, point.BackupSet, point.RestorePoint, point.Timeline));
    }

    private static LoadModel? Load(LoadEvidence? load)
    {
        if (load?.Summary is not { } s)
        {
            return null;
        }
        var percentiles = new Dictionary<string, double>
        {
            ["min"] = s.MinMs, ["mean"] = s.MeanMs, ["p50"] = s.P50Ms, ["p75"] = s.P75Ms,
            ["p95"] = s.P95Ms, ["p99"] = s.P99Ms, ["p99.9"] = s.P999Ms, ["max"] = s.MaxMs,
        };
        var series = load.Buckets.Select(b => new LoadBucket(b.Start, b.Stats.Ok, b.Stats.Failed,
            b.Stats.Latency.Percentile(50).TotalMilliseconds, b.Stats.Latency.Percentile(95).TotalMilliseconds, b.Stats.Latency.Percentile(99).TotalMilliseconds)).ToList();
        return new LoadModel(s.Scenario, load.StartedAt, s.Count, s.Ok, s.Failed, s.Reasons.ToDictionary(f => f.Key, f => f.Value),
            s.Rps, s.Dropped, percentiles, series);
    }

    private static string Name(Evidence.Specs.Phase phase) => phase.ToString().ToLowerInvariant();
}
