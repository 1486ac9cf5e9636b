using System.Globalization;
using System.Text;
using Reliability.Reports.Model;

namespace Reliability.Reports.Writers;

/// <summary>The short summary CI shows: the verdict table, the key figures and links to the artefacts.</summary>
internal static class MarkdownWriter
{
    public static string Write(ResultModel result)
    {
        var text = new StringBuilder();
        var verdict = result.Passed ? "PASSED" : result.Inconclusive ? "INCONCLUSIVE" : "FAILED";
        text.AppendLine(CultureInfo.InvariantCulture, $"## Experiment {result.Experiment.Name}: {verdict}").AppendLine();
        if (result.Outcome != "completed")
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Outcome: **{result.Outcome}**.").AppendLine();
        }
        text.AppendLine("| hypothesis | verdict | measured | threshold | evidence |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var v in result.Verdicts)
        {
            var status = v.Status switch { "passed" => "passed", "failed" => "**FAILED**", _ => "inconclusive" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(v.Hypothesis)} | {status} | {Cell(v.Measured ?? "n/a")} | {Cell(v.Threshold)} | {Cell(v.Evidence)} |");
        }
        if (result.Injections.Count > 0)
        {
            text.AppendLine().AppendLine("Injected:");
            foreach (var i in result.Injections)
            {
                var on = i.Pods.Count > 0 ? string.Join(", ", i.Pods) : string.Join(", ", i.Links);
                text.AppendLine(CultureInfo.InvariantCulture, $"- {i.Fault} ({i.Action}) at {i.At:HH:mm:ss}{(i.RecoveredAt is { } r ? $", recovered at {r:HH:mm:ss}" : "")}: {on}");
            }
        }
        if (result.Runbook is { } runbook)
        {
            text.AppendLine().AppendLine("Runbook:");
            foreach (var step in runbook.Steps)
            {
                var how = step.Succeeded switch { true => "done", false => "**FAILED**", null => "never ended" };
                var took = step.Seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $" in {s:0.0} s") : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"{step.Step}. {step.Description}: {how}{took}{(step.Detail is null ? "" : $" ({Cell(step.Detail)})")}");
            }
            if (runbook.RestorePoint is { RestorePoint: { } at } point)
            {
                text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Restore point: {at:HH:mm:ss.fff} ({point.Target}, backup set {point.BackupSet ?? "not logged"}, timeline {point.Timeline}).");
            }
        }
        var firing = result.Alerts.Where(a => a.State == "firing").GroupBy(a => a.Name).Select(g => g.First()).ToList();
        if (firing.Count > 0 && result.Injections.FirstOrDefault() is { } first)
        {
            text.AppendLine().AppendLine("Alerts: " + string.Join(", ", firing.Select(a => $"{a.Name} firing {(a.At - first.At).TotalSeconds:0.0} s after injection")) + ".");
        }
        if (result.Sli.Count > 0)
        {
            text.AppendLine().AppendLine("| phase | SLI | good | burn rate | 30-day budget spent |").AppendLine("| --- | --- | ---: | ---: | ---: |");
            foreach (var s in result.Sli)
            {
                var burn = s.BurnRate is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b:0.##}x") : "n/a";
                var spent = s.BudgetSpentPercent is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p:0.####} %") : "n/a";
                text.AppendLine(s.GoodPercent is { } good
                    ? string.Create(CultureInfo.InvariantCulture, $"| {s.Phase} | {s.Source}: {s.Slo} | {good:0.###} % | {burn} | {spent} |")
                    : $"| {s.Phase} | {s.Source}: {s.Slo} | n/a | n/a | {Cell(s.Problem ?? "")} |");
            }
        }
        if (result.Load is { } load)
        {
            text.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Load ({load.Scenario}): {load.Count} iterations at {load.Rps:0.0}/s, {load.Failed} failed, p50 {load.LatencyMs["p50"]:0.0} ms, p95 {load.LatencyMs["p95"]:0.0} ms, p99 {load.LatencyMs["p99"]:0.0} ms, max {load.LatencyMs["max"]:0.0} ms."));
        }
        text.AppendLine().AppendLine("Artefacts: [result.json](result.json), [junit.xml](junit.xml), [journal.jsonl](journal.jsonl), [write-ledger.jsonl](write-ledger.jsonl).");
        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "/", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
