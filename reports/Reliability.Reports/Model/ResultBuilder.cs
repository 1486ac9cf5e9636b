using System.Text.Json;
using Reliability.Experiments.Running;

namespace Reliability.Reports.Model;

/// <summary>Builds the result model from a finished experiment and its journal.</summary>
public static class ResultBuilder
{
    public static ResultModel From(ExperimentResult result)
    {
        var journal = result.Journal;
        var phases = journal.Where(r => r.Type == "phase")
            .Select(start => (start, end: journal.FirstOrDefault(r => r.Type == "phase-end" && r.Text("phase") == start.Text("phase"))))
            .Where(p => p.end is not null)
            .Select(p => new PhaseWindow(p.start.Text("phase")!, p.start.At, p.end!.At)).ToList();
        var recovered = journal.Where(r => r.Type == "recovered").ToList();
        var injections = journal.Where(r => r.Type == "injected").Select(r => new Injection(
            r.Text("fault") ?? "", r.Text("kind"), r.Text("action"), r.At,
            recovered.FirstOrDefault(x => x.Text("fault") == r.Text("fault") && x.At >= r.At)?.At ?? recovered.LastOrDefault(x => x.At >= r.At)?.At,
            Strings(r, "pods"), Strings(r, "links"))).ToList();
        var alerts = journal.Where(r => r.Type == "alert").Select(r => new AlertTransition(r.Text("name") ?? "", r.Text("state") ?? "", r.At))
            .Concat(journal.Where(r => r.Type == "alert-notification").SelectMany(r =>
                (r.Data["alerts"]?.AsArray() ?? []).Select(a => new AlertTransition(a?["name"]?.ToString() ?? "", $"delivered-{a?["status"]}", r.At))))
            .OrderBy(a => a.At).ToList();
        var sli = result.ClientSli.Select(c => new SliModel("client", Name(c.Phase), c.Slo ?? "success", c.SuccessPercent, c.BurnRate, c.BudgetSpentPercent, null))
            .Concat(result.ServerSli.Select(s => new SliModel("server", Name(s.Phase), s.Slo, s.GoodPercent, s.BurnRate, s.BudgetSpentPercent, s.Problem))).ToList();
        return new ResultModel(ResultModel.Version,
            new ExperimentInfo(result.Definition.Name, result.Definition.Description, result.Definition.File, result.Definition.Seed),
            result.Target, JsonNamingPolicy.KebabCaseLower.ConvertName(result.Outcome.ToString()), result.Passed, result.Inconclusive,
            phases, injections,
            [.. result.Verdicts.Select(v => new VerdictModel(v.Hypothesis, v.Kind, v.Status.ToString().ToLowerInvariant(), v.Measured, v.Threshold, v.Evidence))],
            result.Rpo is { } rpo ? new RpoModel(rpo.Checked, rpo.Lost, rpo.Missing, rpo.Stale, rpo.Ambiguous, rpo.LossWindow.TotalSeconds) : null,
            alerts, sli, Load(result));
    }

    private static LoadModel? Load(ExperimentResult result)
    {
        if (result.Load is not { } load)
        {
            return null;
        }
        var s = load.Measurements.Scenario;
        var percentiles = new Dictionary<string, double>
        {
            ["min"] = s.Latency.Min.TotalMilliseconds, ["mean"] = s.Latency.Mean.TotalMilliseconds,
            ["p50"] = s.Latency.Percentile(50).TotalMilliseconds, ["p75"] = s.Latency.Percentile(75).TotalMilliseconds,
            ["p95"] = s.Latency.Percentile(95).TotalMilliseconds, ["p99"] = s.Latency.Percentile(99).TotalMilliseconds,
            ["p99.9"] = s.Latency.Percentile(99.9).TotalMilliseconds, ["max"] = s.Latency.Max.TotalMilliseconds,
        };
        var series = load.Measurements.Series.Buckets().Select(b => new LoadBucket(load.StartedAt + b.Start, b.Stats.Ok, b.Stats.Failed,
            b.Stats.Latency.Percentile(50).TotalMilliseconds, b.Stats.Latency.Percentile(95).TotalMilliseconds, b.Stats.Latency.Percentile(99).TotalMilliseconds)).ToList();
        return new LoadModel(load.Scenario.Name, load.StartedAt, s.Count, s.Ok, s.Failed, s.Failures.ToDictionary(f => f.Key, f => f.Value),
            Math.Round(load.Rps, 2), load.Measurements.Dropped, percentiles, series);
    }

    private static string Name(Experiments.Definitions.Phase phase) => phase.ToString().ToLowerInvariant();

    private static IReadOnlyList<string> Strings(Experiments.Journal.JournalRecord record, string field) =>
        record.Data[field]?.AsArray().Select(n => n?.ToString() ?? "").ToList() ?? [];
}
