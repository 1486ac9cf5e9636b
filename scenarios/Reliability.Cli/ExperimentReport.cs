using System.Globalization;
using System.Text;
using System.Text.Json;
using Reliability.Experiments.Journal;
using Reliability.Experiments.Running;
using Reliability.Experiments.Verdicts;

namespace Reliability.Cli;

/// <summary>The experiment's verdicts as a console table, summary.md and result.json beside the journal.</summary>
internal static class ExperimentReport
{
    public static async Task WriteAsync(ExperimentResult result, string folder, TextWriter console)
    {
        var markdown = Markdown(result);
        await console.WriteLineAsync();
        await console.WriteLineAsync(markdown);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.md"), markdown);
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), JsonSerializer.Serialize(new
        {
            schema = "reliability.experiment-result/v1",
            experiment = result.Definition.Name,
            file = result.Definition.File,
            outcome = result.Outcome,
            passed = result.Passed,
            inconclusive = result.Inconclusive,
            verdicts = result.Verdicts,
            rpo = result.Rpo,
            serverSli = result.ServerSli,
            clientSli = result.ClientSli,
            load = result.Load is { } load ? new
            {
                count = load.Measurements.Scenario.Count,
                failed = load.Measurements.Scenario.Failed,
                rps = Math.Round(load.Rps, 1),
                p95Ms = load.Measurements.Scenario.Latency.Percentile(95).TotalMilliseconds,
                p99Ms = load.Measurements.Scenario.Latency.Percentile(99).TotalMilliseconds,
            } : null,
            journal = Path.GetFileName(result.JournalPath),
            ledger = Path.GetFileName(result.LedgerPath),
        }, new JsonSerializerOptions(ExperimentJournal.Json) { WriteIndented = true }));
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            await File.AppendAllTextAsync(stepSummary, markdown);
        }
        await console.WriteLineAsync($"evidence: {Path.GetFullPath(folder)} (journal.jsonl, write-ledger.jsonl, result.json, summary.md)");
    }

    private static string Markdown(ExperimentResult result)
    {
        var text = new StringBuilder();
        var verdict = result.Passed ? "PASSED" : result.Inconclusive ? "INCONCLUSIVE" : "FAILED";
        text.AppendLine(CultureInfo.InvariantCulture, $"## Experiment {result.Definition.Name}: {verdict}").AppendLine();
        if (result.Outcome != ExperimentOutcome.Completed)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Outcome: **{result.Outcome}**.").AppendLine();
        }
        text.AppendLine("| hypothesis | verdict | measured | threshold | evidence |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var v in result.Verdicts)
        {
            var status = v.Status switch { VerdictStatus.Passed => "passed", VerdictStatus.Failed => "**FAILED**", _ => "inconclusive" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {v.Hypothesis} | {status} | {v.Measured ?? "n/a"} | {v.Threshold} | {v.Evidence.Replace("|", "/", StringComparison.Ordinal)} |");
        }
        if (result.ClientSli.Count > 0 || result.ServerSli.Count > 0)
        {
            text.AppendLine().AppendLine("| phase | SLI | good | burn rate | 30-day budget spent |").AppendLine("| --- | --- | ---: | ---: | ---: |");
            foreach (var sli in result.ClientSli)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {sli.Phase.ToString().ToLowerInvariant()} | client: success ({sli.Iterations} iterations, p95 {sli.P95Ms:0.0} ms) against {sli.Slo ?? "no SLO"} | {sli.SuccessPercent:0.###} % | {(sli.BurnRate is { } b ? $"{b:0.##}x" : "n/a")} | {(sli.BudgetSpentPercent is { } p ? $"{p:0.####} %" : "n/a")} |"));
            }
            foreach (var sli in result.ServerSli)
            {
                var row = sli.GoodPercent is { } good
                    ? string.Create(CultureInfo.InvariantCulture, $"| {sli.Phase.ToString().ToLowerInvariant()} | server: {sli.Slo} | {good:0.###} % | {sli.BurnRate:0.##}x | {sli.BudgetSpentPercent:0.####} % |")
                    : $"| {sli.Phase.ToString().ToLowerInvariant()} | server: {sli.Slo} | n/a | n/a | {sli.Problem} |";
                text.AppendLine(row);
            }
        }
        if (result.Load is { } load)
        {
            var s = load.Measurements.Scenario;
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"Load: {s.Count} iterations at {load.Rps:0.0}/s, {s.Failed} failed, p95 {s.Latency.Percentile(95).TotalMilliseconds:0.0} ms, p99 {s.Latency.Percentile(99).TotalMilliseconds:0.0} ms.");
        }
        return text.ToString();
    }
}
